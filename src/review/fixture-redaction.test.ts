import { describe, expect, it } from 'vitest';
import type { Applicant, Fields, SupportedDocumentType } from '../documents/document-types.js';
import { documentModuleFor } from '../documents/registry.js';
import { IDENTIFYING_FIELDS, redactCase, redactCaseWithSecret } from './fixture-redaction.js';

const NOW = new Date('2025-03-01T00:00:00Z');

/** The reasons the type's rules give, as `severity:code:field`. */
function reasonsOf(type: SupportedDocumentType, fields: Fields, applicant: Applicant | null) {
  return documentModuleFor(type)
    .validate({ fields, evidence: {} }, { now: NOW, applicant })
    .map((r) => `${r.severity}:${r.code}:${r.field ?? ''}`)
    .sort();
}

interface Case {
  title: string;
  type: SupportedDocumentType;
  fields: Fields;
  applicant: Applicant;
  /** A reason the case is about: it must survive the redaction. */
  keeps?: string;
}

const GRADUATE: Fields = {
  name: '徐佳',
  gender: '女',
  birthDate: '1995-08-26',
  school: '浙江大学',
  major: '土木工程',
  educationLevel: '本科',
  enrollmentDate: '2014-09',
  graduationDate: '2018-06',
  certificateNumber: '103351201805000655',
  durationYears: 4,
};
const APPLICANT: Applicant = { name: '徐佳', idNumber: '430602199508264346' };

const CASES: Case[] = [
  {
    title: 'a clean graduation certificate',
    type: 'graduation_certificate',
    fields: GRADUATE,
    applicant: APPLICANT,
  },
  {
    title: 'another person’s certificate',
    type: 'graduation_certificate',
    fields: { ...GRADUATE, name: '李娜', birthDate: '1996-01-02' },
    applicant: APPLICANT,
    keeps: 'hard:APPLICANT_NAME_MISMATCH:name',
  },
  {
    title: 'a name one character off',
    type: 'graduation_certificate',
    fields: { ...GRADUATE, name: '徐佳琪' },
    applicant: { ...APPLICANT, name: '徐佳' },
  },
  {
    title: 'a certificate number of the wrong length',
    type: 'graduation_certificate',
    fields: { ...GRADUATE, certificateNumber: '10335120180500065' },
    applicant: APPLICANT,
    keeps: 'hard:NUMBER_FORMAT_INVALID:certificateNumber',
  },
  {
    title: 'a birth date that does not exist',
    type: 'degree_certificate',
    fields: {
      name: '徐佳',
      gender: '女',
      birthDate: '1995-02-30',
      degree: '工学学士',
      conferDate: '2018-06',
      certificateNumber: '1033542018003090',
    },
    applicant: APPLICANT,
    keeps: 'hard:DATE_INVALID:birthDate',
  },
  {
    title: 'a CET report with a masked ID number',
    type: 'cet_score_report',
    fields: {
      name: '田伟文',
      idNumber: '510107**********51',
      level: 'CET4',
      examSession: '2017-12',
      totalScore: 372,
      listeningScore: 122,
      readingScore: 133,
      writingTranslationScore: 117,
      admissionTicketNumber: '610698172108311',
      reportNumber: '172161069825604',
      oralTicketNumber: 'F17216106982560',
    },
    applicant: { name: '田伟文', idNumber: '510107199511035151' },
  },
  {
    title: 'a CET report of someone else’s ID number',
    type: 'cet_score_report',
    fields: {
      name: '田伟文',
      idNumber: '510107199511035178',
      level: 'CET6',
      admissionTicketNumber: '610698172208311',
    },
    applicant: { name: '田伟文', idNumber: '510107199511035151' },
    keeps: 'hard:APPLICANT_ID_MISMATCH:idNumber',
  },
  {
    title: 'an ID number with a wrong check digit',
    type: 'chsi_record',
    fields: {
      name: '王睿远',
      gender: '男',
      birthDate: '2000-01-03',
      idNumber: '640104200001033097',
      certificateNumber: '104221202205001123',
      verificationCode: 'AKUXF7LOXFW1MMRA',
      graduationDate: '2022-06',
    },
    applicant: { name: '王睿远', idNumber: '640104200001033098' },
    // One digit from the applicant's number with a failing check digit: a misreading, so soft (docs/adr/0014).
    keeps: 'soft:CHECKSUM_INVALID:idNumber',
  },
  {
    title: 'an old 12-digit CHSI code and a malformed one',
    type: 'chsi_record',
    fields: { name: '王睿远', verificationCode: '123456789012', certificateNumber: '1042212022050011A3' },
    applicant: { name: '王睿远', idNumber: '640104200001033098' },
    keeps: 'hard:NUMBER_FORMAT_INVALID:certificateNumber',
  },
];

describe('fixture redaction', () => {
  for (const c of CASES) {
    it(`${c.title}: every identifying value replaced, the same reasons from the rules`, () => {
      const before = reasonsOf(c.type, c.fields, c.applicant);
      if (c.keeps) expect(before).toContain(c.keeps);
      // Several secrets: the property holds for whatever secret an export draws.
      for (const secret of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
        const redacted = redactCaseWithSecret(Buffer.from(secret), {
          documentType: c.type,
          fields: c.fields,
          applicant: c.applicant,
        });
        const present = IDENTIFYING_FIELDS.filter((f) => typeof c.fields[f] === 'string');
        expect(redacted.redactedFields).toEqual(present);
        for (const field of present) expect(redacted.fields[field]).not.toBe(c.fields[field]);
        expect(redacted.applicant?.name).not.toBe(c.applicant.name);
        expect(redacted.applicant?.idNumber).not.toBe(c.applicant.idNumber);
        const after = reasonsOf(c.type, redacted.fields, redacted.applicant as Applicant);
        expect(after).toEqual(before);
      }
    });
  }

  it('draws a fresh secret per export, so two exports of one case differ', () => {
    const input = { documentType: 'graduation_certificate', fields: GRADUATE, applicant: APPLICANT };
    expect(redactCase(input).fields.certificateNumber).not.toBe(redactCase(input).fields.certificateNumber);
  });
});
