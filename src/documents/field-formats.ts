import { z } from 'zod';
import { EDUCATION_LEVELS } from '../text/education.js';

/** Value formats of the contract (docs/contract.md), shared by the type schemas. */
export const isoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
export const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
export const nonEmptyText = z
  .string()
  .min(1)
  .regex(/^\S(.*\S)?$/);
/** NFKC, no whitespace, minority-name dot as U+00B7. */
export const personName = z.string().min(1).regex(/^\S+$/);
export const gender = z.enum(['男', '女']);
export const educationLevel = z.enum(EDUCATION_LEVELS);
export const idNumber = z.string().regex(/^[0-9*]{17}[0-9X*]$/);
export const digitsOf = (length: number) => z.string().regex(new RegExp(`^\\d{${length}}$`));
export const graduationCertificateNumber = z.string().regex(/^\d{17,18}$/);
export const score = (max: number) => z.number().int().min(0).max(max);
