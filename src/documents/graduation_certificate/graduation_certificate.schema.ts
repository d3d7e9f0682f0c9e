import { z } from 'zod';
import {
  educationLevel,
  gender,
  graduationCertificateNumber,
  isoDate,
  isoMonth,
  nonEmptyText,
  personName,
} from '../field-formats.js';

/** graduation_certificate fields of the contract (docs/contract.md); every field nullable. */
export const graduationCertificateSchema = z.object({
  name: personName.nullable(),
  gender: gender.nullable(),
  birthDate: isoDate.nullable(),
  school: nonEmptyText.nullable(),
  major: nonEmptyText.nullable(),
  educationLevel: educationLevel.nullable(),
  enrollmentDate: isoMonth.nullable(),
  graduationDate: isoMonth.nullable(),
  certificateNumber: graduationCertificateNumber.nullable(),
  durationYears: z.number().int().min(1).max(9).nullable(),
  issueDate: isoDate.nullable(),
  studyType: nonEmptyText.nullable(),
});

export const GRADUATION_SCORED_FIELDS = [
  'name',
  'gender',
  'birthDate',
  'school',
  'major',
  'educationLevel',
  'enrollmentDate',
  'graduationDate',
  'certificateNumber',
] as const;
