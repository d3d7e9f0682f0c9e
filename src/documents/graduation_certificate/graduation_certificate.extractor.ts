import type { OcrResult } from '../../ocr/ocr.types.js';
import { toIsoMonth } from '../../text/dates.js';
import { normalizeEducationLevel, parseYearsCount } from '../../text/education.js';
import {
  BIRTH_DATE_SLOT,
  cleanMajor,
  GENDER_PATTERN,
  GENDER_SLOT,
  issueDateRegions,
  parseDiplomaNumber,
  parseSeventeenDigitNumber,
  readBirthDate,
  readIssueDate,
  readPrintedStudyType,
  STUDY_END_PATTERN,
  STUDY_END_SLOT,
  STUDY_PERIOD_PATTERN,
  STUDY_START_PATTERN,
  STUDY_START_SLOT,
  studyTypeOfCertificateNumber,
} from '../certificate-text.js';
import type { Extraction } from '../document-types.js';
import { parseGender, parseInstitutionText, parsePersonName } from '../field-parsers.js';
import {
  ExtractionBuilder,
  evidenceOf,
  labelledValueRegions,
  readGroup,
  readLabelledField,
  searchPage,
  surely,
} from '../field-reading.js';
import { buildOcrPage } from '../ocr-page.js';
import { slotRegions, type ValueRegions } from '../value-regions.js';
import { graduationCertificateSchema } from './graduation_certificate.schema.js';

/** 在(本校){major}专业: whatever stands between 在 and 专业. */
const MAJOR_SLOT = /在(?:本校)?(?<value>[^，,。在]{1,40}?)专业/;
/** 学生{name}，性别: whatever stands between the title word and 性别 on the body's row. */
const NAME_SLOT = /(?:学生|研究生)[:：]?(?<value>[^\n]{1,24}?)[，,.。]?性别/;
/** The title's words before 毕业证书 on its row (硕士研究生毕业证书). */
const TITLE_LEVEL_SLOT = /(?<value>[^\n]{1,8})毕业证书/;
/** {years}年制{level}学习, also with 年 or 学习 lost. */
const LEVEL_SLOT = /制(?<value>[^，,。制]{1,8}?)(?:学习|[，,。]|$)/;

const STOP_LABELS = /校名|培养单位|学校名称|校\(院、?所?\)长|校长|院长|证书编号|查询网址|学历证书查询/;

/** 学生{name}，性别… / 研究生{name}，性别…: the name never spans rows or contains the title words. */
const NAME_PATTERN =
  /(?:学生|研究生)[:：]?(?<name>(?:(?!学生|研究生|证书)[^，,。.:：\d\n]){2,20}?)[，,.。]?性别/;
const MAJOR_PATTERN = /在(?:本校)?(?<major>[^，,。在]{2,40}?)专业/;
const DURATION_AND_LEVEL_PATTERN =
  /(?<years>[一二两三四五六七八1-9])年制(?<level>本科|专科|高职高专|高职|大专|第二学士学位)|学制(?<years2>[一二两三四五六七八1-9])年/;
/** The level when OCR lost part of "三年制": "…三制专科学习" (制 + level + 学习 is the wording). */
const LEVEL_AFTER_ZHI_PATTERN = /制(?<level>本科|专科|高职高专|高职|大专|第二学士学位)学习/;
const TITLE_LEVEL_PATTERN = /(?<level>硕士研究生|博士研究生|研究生)毕业证书/;

const SCHOOL_LABEL = /校名|培养单位|学校名称/;
const NUMBER_LABEL = /证书编号|编号/;

export function extractGraduationCertificate(ocr: OcrResult): Extraction {
  const page = buildOcrPage(ocr);
  const fields = new ExtractionBuilder(Object.keys(graduationCertificateSchema.shape));

  fields.set('name', readGroup(searchPage(page.joined, NAME_PATTERN)[0], 'name', parsePersonName));
  fields.set('gender', readGroup(searchPage(page.flat, GENDER_PATTERN)[0], 'gender', parseGender));
  fields.set('birthDate', readBirthDate(page));
  const period = searchPage(page.flat, STUDY_PERIOD_PATTERN)[0];
  fields.set('enrollmentDate', readGroup(period, 'start', toIsoMonth));
  fields.set('graduationDate', readGroup(period, 'end', toIsoMonth));
  fields.set('enrollmentDate', readGroup(searchPage(page.flat, STUDY_START_PATTERN)[0], 'start', toIsoMonth));
  fields.set('graduationDate', readGroup(searchPage(page.flat, STUDY_END_PATTERN)[0], 'end', toIsoMonth));
  fields.set('major', readGroup(searchPage(page.flat, MAJOR_PATTERN)[0], 'major', cleanMajor));

  const durationAndLevel = searchPage(page.flat, DURATION_AND_LEVEL_PATTERN)[0];
  fields.set('durationYears', readGroup(durationAndLevel, 'years', parseYearsCount));
  fields.set('durationYears', readGroup(durationAndLevel, 'years2', parseYearsCount));
  fields.set(
    'educationLevel',
    readGroup(searchPage(page.flat, TITLE_LEVEL_PATTERN)[0], 'level', normalizeEducationLevel),
  );
  fields.set('educationLevel', readGroup(durationAndLevel, 'level', normalizeEducationLevel));
  fields.set(
    'educationLevel',
    readGroup(searchPage(page.flat, LEVEL_AFTER_ZHI_PATTERN)[0], 'level', normalizeEducationLevel),
  );

  fields.set(
    'school',
    readLabelledField(page, { label: SCHOOL_LABEL, stopLabels: STOP_LABELS, parse: parseInstitutionText }),
  );
  fields.set(
    'certificateNumber',
    readLabelledField(page, { label: NUMBER_LABEL, stopLabels: STOP_LABELS, parse: parseDiplomaNumber }),
  );
  // 17 digits of a year after 2002, read surely, are printed so: kept for rule G1 (HARD).
  fields.set(
    'certificateNumber',
    surely(
      readLabelledField(page, {
        label: NUMBER_LABEL,
        stopLabels: STOP_LABELS,
        parse: parseSeventeenDigitNumber,
      }),
    ),
  );
  if (!fields.has('certificateNumber')) {
    // The label is often lost under the seal; the number's own structure identifies it (§2.4).
    const numbers = searchPage(page.joined, /(?<!\d)\d{5}[15679](?:19|20)\d{2}0[12456]\d{5,6}(?!\d)/).filter(
      (m) => parseDiplomaNumber(m.text) !== null,
    );
    const [only] = numbers;
    if (only && numbers.length === 1)
      fields.set('certificateNumber', { value: only.text, evidence: evidenceOf(only.chars) });
  }
  fields.set('issueDate', readIssueDate(page));

  const certificateNumber = fields.get('certificateNumber');
  if (typeof certificateNumber === 'string') {
    const studyType = studyTypeOfCertificateNumber(certificateNumber);
    const numberEvidence = fields.build().evidence.certificateNumber;
    if (studyType && numberEvidence) fields.set('studyType', { value: studyType, evidence: numberEvidence });
  }
  const printedStudyType = readPrintedStudyType(page);
  if (printedStudyType)
    fields.note(PRINTED_STUDY_TYPE, { ...printedStudyType.evidence, text: printedStudyType.value });
  return fields.build();
}

/**
 * Evidence key (not a contract field) holding the study-type wording printed on the face, which
 * rule G3 compares with certificate-number digit 6.
 */
export const PRINTED_STUDY_TYPE = 'printedStudyType';

/**
 * Where each field is printed (the places the rules read): the slots of the body sentence
 * (学生{name}，性别{gender}，{birth}生，于{start}至{end}在本校{major}专业{years}年制{level}学习), the
 * level in the title (硕士研究生毕业证书), the school and number beside their labels, the issue date
 * last. A certificate number the rules find without its label is not a place: its structure names it.
 */
export function graduationCertificateValueRegions(ocr: OcrResult): ValueRegions {
  const page = buildOcrPage(ocr);
  return {
    name: slotRegions(page.joined, NAME_SLOT),
    gender: slotRegions(page.flat, GENDER_SLOT),
    birthDate: slotRegions(page.joined, BIRTH_DATE_SLOT),
    enrollmentDate: slotRegions(page.flat, STUDY_START_SLOT),
    graduationDate: slotRegions(page.flat, STUDY_END_SLOT),
    major: slotRegions(page.flat, MAJOR_SLOT),
    educationLevel: [...slotRegions(page.joined, TITLE_LEVEL_SLOT), ...slotRegions(page.flat, LEVEL_SLOT)],
    school: labelledValueRegions(page, { label: SCHOOL_LABEL, stopLabels: STOP_LABELS }),
    certificateNumber: labelledValueRegions(page, { label: NUMBER_LABEL, stopLabels: STOP_LABELS }),
    issueDate: issueDateRegions(page),
  };
}
