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

/** Which 学信网 report the page is: the 备案表 (`record`) or the 学籍在线验证报告 (`student_status`). */
export const CHSI_REPORT_KINDS = ['record', 'student_status'] as const;
export type ChsiReportKind = (typeof CHSI_REPORT_KINDS)[number];

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
  reportKind: z.enum(CHSI_REPORT_KINDS).nullable(),
  /** 学籍状态 as printed (e.g. 毕业, 在籍(注册学籍)); only on a 学籍 report. */
  studentStatus: nonEmptyText.nullable(),
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

/** A 学籍 report carries no certificate number (docs/contract.md): it is not asked for there. */
export function chsiScoredFields(reportKind: unknown): readonly string[] {
  return reportKind === 'student_status'
    ? CHSI_SCORED_FIELDS.filter((field) => field !== 'certificateNumber')
    : CHSI_SCORED_FIELDS;
}
