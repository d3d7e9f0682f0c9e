import crypto from 'node:crypto';
import {
  REPORT_NUMBER_PATTERN,
  WRITTEN_TICKET_PATTERN,
} from '../documents/cet_score_report/cet_score_report.validators.js';
import { parseDegreeCertificateNumberParts } from '../documents/degree_certificate/degree_certificate.validators.js';
import type { Fields } from '../documents/document-types.js';
import { parseGraduationCertificateNumber } from '../documents/graduation_certificate/graduation_certificate.validators.js';
import { parseIsoDate } from '../text/dates.js';
import { idCheckCharacter, normalizeIdNumber } from '../text/id-number.js';

/**
 * Synthetic people for exported fixture cases. Every value that identifies the person is replaced,
 * and the replacement keeps what the type's rules look at, so the case's expected.json validates
 * as the real values did:
 * - names: a per-case substitution of characters (first characters from common surnames), so two
 *   names that were equal, differed by one character, or were masked stay so;
 * - ID numbers: province kept (I5), the rest of the region and the sequence replaced, the birth
 *   date shifted, the gender parity kept, the check digit recomputed (or kept wrong when it was);
 *   a masked number that agrees with a full one in the case becomes the full one's, masked alike;
 * - birth dates: shifted by the same number of days as the ID numbers' birth dates, so they still
 *   agree (I6) and stay plausible;
 * - certificate, ticket and report numbers and CHSI codes: the parts the rules check (school or
 *   unit, type digit, year, level, centre, sitting, prefix letter) kept, the person's own serial
 *   replaced;
 * - anything that does not parse: each digit and letter replaced by one of its kind, so a format
 *   check fails as before.
 * The replacements are derived from a secret drawn per export and never stored: the same value
 * maps to the same replacement within one case, and nothing maps back.
 */

/** The fields that identify a person, in the order `redactedFields` lists them. */
export const IDENTIFYING_FIELDS = [
  'name',
  'idNumber',
  'birthDate',
  'certificateNumber',
  'verificationCode',
  'admissionTicketNumber',
  'reportNumber',
  'oralTicketNumber',
] as const;

const SURNAMES = [...'王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾'];
const GIVEN_CHARACTERS = [...'子涵浩然欣怡宇轩梓萱俊杰雨桐思远嘉明诗琪天佑博文静雅晨阳一诺安可'];
const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ID_CHECK_CHARACTERS = '10X98765432';
/** A birth date moves by 30 to 365 days, earlier or later. */
const MIN_BIRTH_SHIFT_DAYS = 30;
const MAX_BIRTH_SHIFT_DAYS = 365;

export interface RedactionInput {
  documentType: string;
  fields: Fields;
  applicant: { name?: string | null; idNumber?: string | null } | null;
}

export interface RedactedCase {
  fields: Fields;
  applicant: { name: string | null; idNumber: string | null } | null;
  redactedFields: string[];
}

/** Redacts one case with a fresh secret. */
export function redactCase(input: RedactionInput): RedactedCase {
  return redactCaseWithSecret(crypto.randomBytes(32), input);
}

/** The same, with a given secret: equal secrets give equal cases (tests). */
export function redactCaseWithSecret(secret: Buffer, input: RedactionInput): RedactedCase {
  const synthetic = createSynthesizer(secret);
  const fields: Fields = { ...input.fields };
  const applicant = input.applicant;
  // Names and ID numbers are mapped together, so relations between them survive.
  synthetic.learnNames([fields.name, applicant?.name]);
  synthetic.learnIdNumbers([fields.idNumber, applicant?.idNumber]);

  const redactedFields: string[] = [];
  for (const field of IDENTIFYING_FIELDS) {
    const value = fields[field];
    if (typeof value !== 'string') continue;
    fields[field] = synthetic.value(input.documentType, field, value);
    redactedFields.push(field);
  }
  return {
    fields,
    applicant: applicant
      ? {
          name: applicant.name ? synthetic.name(applicant.name) : null,
          idNumber: applicant.idNumber ? synthetic.idNumber(applicant.idNumber) : null,
        }
      : null,
    redactedFields,
  };
}

function createSynthesizer(secret: Buffer) {
  /** Bytes derived from the secret for one purpose and one original value. */
  const stream = (purpose: string, value: string): Buffer => {
    const blocks: Buffer[] = [];
    for (let block = 0; blocks.length * 32 < value.length + 8; block++) {
      blocks.push(crypto.createHmac('sha256', secret).update(`${purpose}\n${block}\n${value}`).digest());
    }
    return Buffer.concat(blocks);
  };
  const shiftBytes = stream('birth-shift', '');
  const shiftDays =
    (MIN_BIRTH_SHIFT_DAYS +
      (shiftBytes.readUInt16BE(0) % (MAX_BIRTH_SHIFT_DAYS - MIN_BIRTH_SHIFT_DAYS + 1))) *
    ((shiftBytes[2] ?? 0) % 2 === 0 ? 1 : -1);

  /** Each digit and letter replaced by one of its kind; anything else kept. Same length, same classes. */
  const scramble = (purpose: string, value: string, keep = 0): string => {
    const bytes = stream(purpose, value);
    return [...value]
      .map((ch, i) => {
        if (i < keep) return ch;
        const byte = bytes[i] ?? 0;
        if (/[0-9]/.test(ch)) return DIGITS[byte % 10];
        if (/[A-Z]/.test(ch)) return UPPER[byte % 26];
        if (/[a-z]/.test(ch)) return LOWER[byte % 26];
        return ch;
      })
      .join('');
  };

  // ---- names: one substitution of characters for the whole case ----
  const surnameOf = new Map<string, string>();
  const givenOf = new Map<string, string>();
  const surnamePool = shuffled(SURNAMES, stream('surnames', ''));
  const givenPool = shuffled(GIVEN_CHARACTERS, stream('given', ''));
  const substitute = (map: Map<string, string>, pool: string[], ch: string) => {
    let replacement = map.get(ch);
    if (replacement === undefined) {
      replacement = pool[map.size % pool.length] as string;
      map.set(ch, replacement);
    }
    return replacement;
  };
  const isHan = (ch: string) => /\p{Script=Han}/u.test(ch);
  const name = (value: string): string =>
    [...value]
      .map((ch, i) =>
        isHan(ch) ? substitute(i === 0 ? surnameOf : givenOf, i === 0 ? surnamePool : givenPool, ch) : ch,
      )
      .join('');

  // ---- ID numbers ----
  const idOf = new Map<string, string>();
  /** `attempt` draws another sequence when two different numbers would meet in one replacement. */
  const fullId = (id: string, attempt = 0): string => {
    const region = `${id.slice(0, 2)}${scramble('region', id.slice(0, 6)).slice(2, 6)}`;
    const birth = shiftedBirthDigits(id.slice(6, 14));
    const sequenceBytes = stream(`sequence#${attempt}`, id.slice(14, 17));
    const parity = Number(id[16]) % 2;
    const sequence = `${DIGITS[(sequenceBytes[0] ?? 0) % 10]}${DIGITS[(sequenceBytes[1] ?? 0) % 10]}${((sequenceBytes[2] ?? 0) % 5) * 2 + parity}`;
    const body = `${region}${birth}${sequence}`;
    const check = idCheckCharacter(body);
    if (id[17] === '*') return `${body}*`;
    // A wrong check digit stays wrong: the case's CHECKSUM_INVALID must still hold.
    if (id[17] === idCheckCharacter(id.slice(0, 17))) return `${body}${check}`;
    const wrong = ID_CHECK_CHARACTERS[(ID_CHECK_CHARACTERS.indexOf(check) + 1) % ID_CHECK_CHARACTERS.length];
    return `${body}${wrong}`;
  };
  const shiftedBirthDigits = (digits: string): string => {
    const date = parseIsoDate(`${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`);
    if (date === null || date.day === null) return '00000000';
    return shiftDate(date.year, date.month, date.day, shiftDays).replaceAll('-', '');
  };
  /**
   * Masked: the full number it agrees with, masked alike; else each revealed digit replaced, with
   * the province and the gender parity kept (a revealed X stays).
   */
  const maskedId = (id: string, fulls: string[]): string => {
    const agrees = fulls.find((full) => [...id].every((ch, i) => ch === '*' || ch === full[i]));
    if (agrees) return [...id].map((ch, i) => (ch === '*' ? '*' : (idOf.get(agrees) as string)[i])).join('');
    const bytes = stream('masked-id', id);
    return [...id]
      .map((ch, i) => {
        if (i < 2 || !/\d/.test(ch)) return ch;
        const digit = (bytes[i] ?? 0) % 10;
        return String(i === 16 ? digit - (digit % 2) + (Number(ch) % 2) : digit);
      })
      .join('');
  };
  const idNumber = (value: string): string => {
    const normalized = normalizeIdNumber(value);
    if (normalized === null) return scramble('id-text', value);
    return idOf.get(normalized) ?? fullOrMasked(normalized, []);
  };
  const fullOrMasked = (id: string, fulls: string[]) =>
    /^\d{17}/.test(id) ? fullId(id) : maskedId(id, fulls);

  const birthDate = (value: string): string => {
    const date = parseIsoDate(value);
    if (date !== null && date.day !== null) return shiftDate(date.year, date.month, date.day, shiftDays);
    // A date that does not exist stays one that does not exist (DATE_INVALID), without the digits read.
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return '0000-00-00';
    return scramble('date-text', value);
  };

  const certificateNumber = (documentType: string, value: string): string => {
    if (documentType === 'degree_certificate') {
      // unit, level digit and year are checked (D1, D2); the last six are the holder's serial.
      return parseDegreeCertificateNumberParts(value)
        ? scramble('certificate', value, value.length - 6)
        : scramble('certificate', value);
    }
    const parsed = parseGraduationCertificateNumber(value);
    // school, type digit, year and level code are checked (G1–G4, H3, H4); the sequence is the holder's.
    return parsed
      ? scramble('certificate', value, value.length - parsed.sequence.length)
      : scramble('certificate', value);
  };

  return {
    learnNames(values: unknown[]) {
      for (const value of values) if (typeof value === 'string') name(value);
    },
    /** Full numbers first, so a masked one can take the replacement of the full one it agrees with. */
    learnIdNumbers(values: unknown[]) {
      const normalized = values
        .filter((v): v is string => typeof v === 'string')
        .map(normalizeIdNumber)
        .filter((v): v is string => v !== null);
      const fulls = normalized.filter((id) => /^\d{17}/.test(id));
      for (const id of fulls) {
        if (idOf.has(id)) continue;
        // Different numbers stay different (an APPLICANT_ID_MISMATCH must survive).
        const taken = new Set(idOf.values());
        let attempt = 0;
        while (taken.has(fullId(id, attempt))) attempt++;
        idOf.set(id, fullId(id, attempt));
      }
      for (const id of normalized) if (!idOf.has(id)) idOf.set(id, fullOrMasked(id, fulls));
    },
    name,
    idNumber,
    value(documentType: string, field: (typeof IDENTIFYING_FIELDS)[number], value: string): string {
      switch (field) {
        case 'name':
          return name(value);
        case 'idNumber':
          return idNumber(value);
        case 'birthDate':
          return birthDate(value);
        case 'certificateNumber':
          return certificateNumber(documentType, value);
        case 'verificationCode':
          // The first letter is checked (A or X, §4.3); the rest is the lookup key.
          return scramble('verification-code', value, value.length === 16 ? 1 : 0);
        case 'admissionTicketNumber':
          // centre, year, sitting and level are checked (X1–X4); room and seat are the candidate's.
          return scramble('ticket', value, WRITTEN_TICKET_PATTERN.test(value) ? 10 : 0);
        case 'reportNumber':
          return scramble('report', value, REPORT_NUMBER_PATTERN.test(value) ? 10 : 0);
        case 'oralTicketNumber':
          // The F/S prefix names the level (X5).
          return scramble('oral-ticket', value, 1);
      }
    },
  };
}

function shuffled<T>(items: readonly T[], bytes: Buffer): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (bytes[i % bytes.length] ?? 0) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function shiftDate(year: number, month: number, day: number, days: number): string {
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}
