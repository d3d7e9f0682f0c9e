import { describe, expect, it } from 'vitest';
import type { Extraction, FieldValue } from './document-types.js';
import { unreadableDocumentReasons, validateDocument } from './document-validation.js';

const fields = ['name', 'school', 'totalScore', 'reportNumber', 'examSession', 'level'];
const extraction = (values: Record<string, FieldValue>): Extraction => ({
  fields: Object.fromEntries(fields.map((f) => [f, values[f] ?? null])),
  evidence: Object.fromEntries(
    Object.entries(values).map(([f, v]) => [
      f,
      { text: String(v), box: null, confidence: 0.95, source: 'rules' },
    ]),
  ),
});

/** The applicant the documents below are bound to (no ID number is printed on them). */
const IDENTITY = { name: '张伟', idNumber: '11010519491231002X' };

describe('unreadableDocumentReasons', () => {
  it('asks for a retake when at least two thirds of the scored fields could not be read', () => {
    const mostlyUnread = extraction({ level: 'CET4', examSession: '2022-06' });
    expect(unreadableDocumentReasons(mostlyUnread, fields).map((r) => `${r.code}:${r.severity}`)).toEqual([
      'DOCUMENT_UNREADABLE:retake',
    ]);
  });

  it('leaves a document with a few missing fields to the review of those fields', () => {
    const someUnread = extraction({ level: 'CET4', examSession: '2022-06', name: '张伟' });
    expect(unreadableDocumentReasons(someUnread, fields)).toEqual([]);
    const reasons = validateDocument(someUnread, { now: new Date(), applicant: IDENTITY }, fields, () => []);
    expect(reasons.map((r) => r.code)).toEqual(['FIELD_MISSING', 'FIELD_MISSING', 'FIELD_MISSING']);
  });
});

describe('truncated school names', () => {
  const context = { now: new Date(), applicant: IDENTITY };
  const full = {
    name: '张伟',
    totalScore: 520,
    reportNumber: '221234567890123',
    examSession: '2022-06',
    level: 'CET4',
  };

  it('sends a school shorter than any official name to review (a reading that lost characters)', () => {
    for (const school of ['南大学', '四学']) {
      const reasons = validateDocument(extraction({ ...full, school }), context, fields, () => []);
      expect(reasons.map((r) => `${r.code}:${r.severity}:${r.field}`)).toEqual([
        'FIELD_FORMAT_INVALID:soft:school',
      ]);
    }
  });

  it('accepts official names of four characters or more', () => {
    for (const school of ['复旦大学', '南京大学', '中国科学院大学', '北京协和医学院']) {
      expect(validateDocument(extraction({ ...full, school }), context, fields, () => [])).toEqual([]);
    }
  });
});

describe('identity', () => {
  it('a document read with no identity, or half of one, is never bound: APPLICANT_UNKNOWN', () => {
    const read = extraction({
      name: '张伟',
      school: '复旦大学',
      totalScore: 520,
      reportNumber: '221234567890123',
      examSession: '2022-06',
      level: 'CET4',
    });
    const codes = (applicant: { name?: string | null; idNumber?: string | null } | null) =>
      validateDocument(read, { now: new Date(), applicant }, fields, () => []).map(
        (r) => `${r.code}:${r.severity}`,
      );
    for (const applicant of [null, { name: '张伟' }, { name: '张伟', idNumber: '110105********002X' }]) {
      expect(codes(applicant)).toEqual(['APPLICANT_UNKNOWN:soft']);
    }
    expect(codes(IDENTITY)).toEqual([]);
  });
});
