import { z } from 'zod';
import { gender, isoDate, isoMonth, nonEmptyText, personName } from '../field-formats.js';

/**
 * degree_certificate fields of the contract (docs/contract.md); every field nullable. `issueDate`
 * (发证日期, the full date) is extracted when printed, as the contract checker allows.
 */
export const degreeCertificateSchema = z.object({
  name: personName.nullable(),
  gender: gender.nullable(),
  birthDate: isoDate.nullable(),
  school: nonEmptyText.nullable(),
  major: nonEmptyText.nullable(),
  degree: nonEmptyText.nullable(),
  conferDate: isoMonth.nullable(),
  certificateNumber: z
    .string()
    .regex(/^[0-9A-Z]{16,17}$/)
    .nullable(),
  issueDate: isoDate.nullable(),
});

export const DEGREE_SCORED_FIELDS = [
  'name',
  'gender',
  'birthDate',
  'school',
  'major',
  'degree',
  'conferDate',
  'certificateNumber',
] as const;
