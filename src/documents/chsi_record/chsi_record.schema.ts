import { z } from 'zod';
import {
  educationLevel,
  gender,
  graduationCertificateNumber,
  idNumber,
  isoDate,
  isoMonth,
  nonEmptyText,
  personName,
} from '../field-formats.js';

/** chsi_record fields of the contract (docs/contract.md); every field nullable. */
export const chsiRecordSchema = z.object({
  name: personName.nullable(),
  gender: gender.nullable(),
  birthDate: isoDate.nullable(),
  school: nonEmptyText.nullable(),
  major: nonEmptyText.nullable(),
  educationLevel: educationLevel.nullable(),
  enrollmentDate: isoMonth.nullable(),
  graduationDate: isoMonth.nullable(),
  certificateNumber: graduationCertificateNumber.nullable(),
  verificationCode: z
    .string()
    .regex(/^(\d{12}|[A-Z0-9]{16})$/)
    .nullable(),
  idNumber: idNumber.nullable(),
  studyForm: nonEmptyText.nullable(),
  educationCategory: nonEmptyText.nullable(),
  updatedDate: isoDate.nullable(),
});

export const CHSI_SCORED_FIELDS = [
  'name',
  'gender',
  'birthDate',
  'school',
  'major',
  'educationLevel',
  'enrollmentDate',
  'graduationDate',
  'certificateNumber',
  'verificationCode',
] as const;
