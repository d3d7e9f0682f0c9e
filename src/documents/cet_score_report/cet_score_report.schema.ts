import { z } from 'zod';
import { digitsOf, idNumber, isoMonth, nonEmptyText, personName, score } from '../field-formats.js';

/** cet_score_report fields of the contract (docs/contract.md); every field nullable. */
export const cetScoreReportSchema = z.object({
  name: personName.nullable(),
  idNumber: idNumber.nullable(),
  school: nonEmptyText.nullable(),
  level: z.enum(['CET4', 'CET6']).nullable(),
  examSession: isoMonth.nullable(),
  totalScore: score(710).nullable(),
  listeningScore: score(249).nullable(),
  readingScore: score(249).nullable(),
  writingTranslationScore: score(213).nullable(),
  admissionTicketNumber: digitsOf(15).nullable(),
  reportNumber: digitsOf(15).nullable(),
  oralTicketNumber: nonEmptyText.nullable(),
  oralGrade: nonEmptyText.nullable(),
  listeningExempt: z.boolean().nullable(),
});

export type CetScoreReportFields = z.infer<typeof cetScoreReportSchema>;

export const CET_SCORED_FIELDS = [
  'name',
  'idNumber',
  'school',
  'level',
  'examSession',
  'totalScore',
  'listeningScore',
  'readingScore',
  'writingTranslationScore',
  'admissionTicketNumber',
  'reportNumber',
] as const;
