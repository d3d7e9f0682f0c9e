import { toIsoDate, toIsoMonth } from '../../text/dates.js';
import { normalizeEducationLevel, parseYearsCount } from '../../text/education.js';
import {
  certificateLabelRegions,
  cleanMajor,
  GENDER_BETWEEN_COMMAS,
  GENDER_PATTERN,
  issueDateRegions,
  NAME_AT_ROW_START,
  parseDiplomaNumber,
  parseDurationText,
  parseLevelText,
  parseSeventeenDigitNumber,
  personRegions,
  readBirthDate,
  readCertificateLabel,
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
import { ExtractionBuilder, evidenceOf, surely } from '../extraction-builder.js';
import { parseGender, parseInstitutionText, parsePersonName } from '../field-parsers.js';
import { readGroup, searchPage } from '../field-reading.js';
import { LABEL } from '../label-lexicon.js';
import type { OcrPage } from '../ocr-page.js';
import { slotRegions, type ValueRegions } from '../value-regions.js';
import { graduationCertificateSchema } from './graduation_certificate.schema.js';

/** 在(本校){major}专业 / 系我校{major}专业: whatever stands between them. */
const MAJOR_SLOT = /(?:在(?:本校|我校)?|系(?:我校|本校))(?<value>[^，,。在系]{1,40}?)专业/;
/** 学生{name}，性别: whatever stands between the title word and 性别 on the body's row. */
const NAME_SLOT = /(?:学生|研究生)[:：]?(?<value>[^\n]{1,24}?)[，,.。]?性别/;
/** The title's words before 毕业证书 on its row (硕士研究生毕业证书). */
const TITLE_LEVEL_SLOT = /(?<value>[^\n]{1,8})毕业证书/;
/** {years}年制{level}学习, also with 年 or 学习 lost. */
const LEVEL_SLOT = /制(?<value>[^，,。制]{1,8}?)(?:学习|[，,。]|$)/;

const STOP_LABELS =
  /校名|培养单位|学校名称|毕业院校|校\(院、?所?\)长|校长|院长|证书编号|查询网址|学历证书查询/;

/** 学生{name}，性别… / 研究生{name}，性别…: the name never spans rows or contains the title words. */
const NAME_PATTERN =
  /(?:学生|研究生)[:：]?(?<name>(?:(?!学生|研究生|证书)[^，,。.:：\d\n]){2,20}?)[，,.。]?性别/;
/** "在本校{major}专业学习", "在我校…", and the order that names the school first: "系我校{major}专业…毕业生". */
const MAJOR_PATTERN = /(?:在(?:本校|我校)?|系(?:我校|本校))(?<major>[^，,。在系]{2,40}?)专业/;
const DURATION_AND_LEVEL_PATTERN =
  /(?<years>[一二两三四五六七八1-9])年制(?<level>本科|专科|高职高专|高职|大专|第二学士学位)|学制(?<years2>[一二两三四五六七八1-9])年/;
/** The level when OCR lost part of "三年制": "…三制专科学习" (制 + level + 学习 is the wording). */
const LEVEL_AFTER_ZHI_PATTERN = /制(?<level>本科|专科|高职高专|高职|大专|第二学士学位)学习/;
const TITLE_LEVEL_PATTERN = /(?<level>硕士研究生|博士研究生|研究生)毕业证书/;

const SCHOOL_LABEL = LABEL.graduationSchool;
const NUMBER_LABEL = LABEL.certificateNumber;

export function extractGraduationCertificate(page: OcrPage): Extraction {
  const fields = new ExtractionBuilder(Object.keys(graduationCertificateSchema.shape));

  // The body sentence first (学生{name}，性别…, or {name}，{gender}，…), then the labels of a table.
  const labelled = <T extends string | number>(label: RegExp, parse: (text: string) => T | null) =>
    readCertificateLabel(page, label, STOP_LABELS, parse);
  fields.set('name', readGroup(searchPage(page.joined, NAME_PATTERN)[0], 'name', parsePersonName));
  fields.set('name', readGroup(searchPage(page.joined, NAME_AT_ROW_START)[0], 'name', parsePersonName));
  fields.set('name', labelled(LABEL.name, parsePersonName));
  fields.set('gender', readGroup(searchPage(page.flat, GENDER_PATTERN)[0], 'gender', parseGender));
  fields.set('gender', readGroup(searchPage(page.flat, GENDER_BETWEEN_COMMAS)[0], 'gender', parseGender));
  fields.set('gender', labelled(LABEL.gender, parseGender));
  fields.set('birthDate', readBirthDate(page));
  fields.set('birthDate', labelled(LABEL.birthDate, toIsoDate));
  const period = searchPage(page.flat, STUDY_PERIOD_PATTERN)[0];
  fields.set('enrollmentDate', readGroup(period, 'start', toIsoMonth));
  fields.set('graduationDate', readGroup(period, 'end', toIsoMonth));
  fields.set('enrollmentDate', readGroup(searchPage(page.flat, STUDY_START_PATTERN)[0], 'start', toIsoMonth));
  fields.set('graduationDate', readGroup(searchPage(page.flat, STUDY_END_PATTERN)[0], 'end', toIsoMonth));
  fields.set('enrollmentDate', labelled(LABEL.enrollmentDate, toIsoMonth));
  fields.set('graduationDate', labelled(LABEL.graduationDate, toIsoMonth));
  fields.set('major', readGroup(searchPage(page.flat, MAJOR_PATTERN)[0], 'major', cleanMajor));
  fields.set('major', labelled(LABEL.major, cleanMajor));

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
  fields.set('educationLevel', labelled(LABEL.educationLevel, parseLevelText));
  fields.set('durationYears', labelled(LABEL.durationYears, parseDurationText));

  fields.set('school', labelled(SCHOOL_LABEL, parseInstitutionText));
  fields.set('certificateNumber', labelled(NUMBER_LABEL, parseDiplomaNumber));
  // 17 digits of a year after 2002, read surely, are printed so: kept for rule G1 (HARD).
  fields.set('certificateNumber', surely(labelled(NUMBER_LABEL, parseSeventeenDigitNumber)));
  if (!fields.has('certificateNumber')) {
    // The label is often lost under the seal; the number's own structure identifies it (§2.4).
    const numbers = searchPage(page.joined, /(?<!\d)\d{5}[15679](?:19|20)\d{2}0[12456]\d{5,6}(?!\d)/).filter(
      (m) => parseDiplomaNumber(m.text) !== null,
    );
    const [only] = numbers;
    if (only && numbers.length === 1)
      fields.set('certificateNumber', { value: only.text, evidence: evidenceOf(only.chars) });
  }
  fields.set('issueDate', labelled(LABEL.issueDate, toIsoDate));
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
export function graduationCertificateValueRegions(page: OcrPage): ValueRegions {
  const labelled = (label: RegExp) => certificateLabelRegions(page, label, STOP_LABELS);
  const person = personRegions(page, STOP_LABELS);
  return {
    ...person,
    name: [...slotRegions(page.joined, NAME_SLOT), ...person.name],
    enrollmentDate: [...slotRegions(page.flat, STUDY_START_SLOT), ...labelled(LABEL.enrollmentDate)],
    graduationDate: [...slotRegions(page.flat, STUDY_END_SLOT), ...labelled(LABEL.graduationDate)],
    major: [...slotRegions(page.flat, MAJOR_SLOT), ...labelled(LABEL.major)],
    educationLevel: [
      ...slotRegions(page.joined, TITLE_LEVEL_SLOT),
      ...slotRegions(page.flat, LEVEL_SLOT),
      ...labelled(LABEL.educationLevel),
    ],
    durationYears: labelled(LABEL.durationYears),
    school: labelled(SCHOOL_LABEL),
    certificateNumber: labelled(NUMBER_LABEL),
    issueDate: [...labelled(LABEL.issueDate), ...issueDateRegions(page)],
  };
}
