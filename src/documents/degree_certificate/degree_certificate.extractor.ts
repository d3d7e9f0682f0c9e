import { toIsoDate, toIsoMonth } from '../../text/dates.js';
import { normalizeText, removeWhitespace } from '../../text/unicode.js';
import {
  certificateLabelRegions,
  cleanMajor,
  GENDER_BETWEEN_COMMAS,
  GENDER_PATTERN,
  issueDateRegions,
  NAME_AT_ROW_START,
  personRegions,
  readBirthDate,
  readCertificateLabel,
  readIssueDate,
} from '../certificate-text.js';
import type { Extraction } from '../document-types.js';
import { ExtractionBuilder, evidenceOf, type FieldReading } from '../extraction-builder.js';
import { parseGender, parseInstitutionText, parsePersonName } from '../field-parsers.js';
import { readGroup, searchPage } from '../field-reading.js';
import { LABEL } from '../label-lexicon.js';
import type { OcrPage, PageChar } from '../ocr-page.js';
import { slotRegions, type ValueRegions } from '../value-regions.js';
import { degreeCertificateSchema } from './degree_certificate.schema.js';

const STOP_LABELS = /学位授予单位|授予单位|校名|学校名称|校长|学位评定委员会|主席|证书编号|发证日期|授予日期/;

const NAME_AFTER_LABEL =
  /(?:学生|姓名)[:：]?(?<name>(?:(?!学位|证书)[^，,。.:：\d\n]){2,20}?)[，,.。]?(?:性别[:：]?)?[男女]/;
/** "在{school}{major}专业完成了…" or "在本校{major}专业…". */
const STUDY_PATTERN = /在(?<place>[^，,。在]{2,60}?)专业(?:完成|学习|毕业)/;
/** "授予工学学士学位", and professional degrees: "授予工商管理硕士专业学位". */
const DEGREE_PATTERN = /授予(?<degree>[^，,。\n授]{1,14}?(?:学士|硕士|博士))(?:专业)?学位/;
/** The same wording with the level's first character misread ("授予工商管理顾士专业学位"). */
const DEGREE_WITH_UNREADABLE_LEVEL =
  /授予(?<discipline>[^，,。\n授]{1,12}?)(?<level>[^，,。\n授学硕博])士(?:专业)?学位/;
/** The title names the level: 学士学位证书, 硕士学位证书, 博士学位证书. */
const TITLE_LEVEL_PATTERN = /(?<level>学士|硕士|博士)学位证书/;
/** The awarding unit's name in front of its degree committee's signature line. */
const SIGNING_UNIT_PATTERN =
  /(?:^|\n)(?<school>[\p{Script=Han}()]{2,30}?(?:大学|学院|研究院|研究所|党校)(?:\([\p{Script=Han}]{2,10}\))?)[★☆*]?学位评定委员会/u;
const INSTITUTION_SUFFIX = /^(?<school>.*(?:大学|学院|学校|研究院|研究所|党校))(?<major>.+)$/;

/**
 * The degree name as printed, with the OCR confusion of 工学 seen in real degree scans (§6.3:
 * 王学, ヱ学, "ヱ|学").
 */
export function parseDegreeName(text: string): string | null {
  const value = removeWhitespace(normalizeText(text)).replace(/^[王ヱエ]\|?学/, '工学');
  return /^\p{Script=Han}{1,12}(学士|硕士|博士)$/u.test(value) ? value : null;
}

/**
 * A degree certificate number: 16 digits (2016+), or the 2006–2015 variants with a letter prefix
 * (C, Z, T, Q) or a letter at position 11 (§3.4). Look-alike letters are mapped to digits in the
 * positions that are always digits.
 */
export function parseDegreeCertificateNumber(text: string): string | null {
  const raw = removeWhitespace(normalizeText(text)).toUpperCase();
  const prefix = /^[CZTQ]/.test(raw) && raw.length === 17 ? (raw[0] as string) : '';
  const body = raw.slice(prefix.length);
  if (body.length !== 16) return null;
  const lookAlikes: Record<string, string> = {
    O: '0',
    D: '0',
    Q: '0',
    I: '1',
    L: '1',
    Z: '2',
    S: '5',
    B: '8',
    G: '6',
  };
  // Position 11 may hold a programme letter (S E Z F Y C J A B L D G I K, §3.4); O and Q are not among
  // them, so there they are still zeros.
  const mapped = [...body]
    .map((ch, index) => (index === 10 ? (/[OQ]/.test(ch) ? '0' : ch) : (lookAlikes[ch] ?? ch)))
    .join('');
  return /^\d{10}[0-9A-Z]\d{5}$/.test(mapped) ? `${prefix}${mapped}` : null;
}

/**
 * When OCR garbled the level in "授予…硕士专业学位" (硕 → 顾), the level printed in the title (硕士学位证书)
 * stands for it: the discipline is read from the body, the level from the title, and the evidence is as
 * sure as the less sure of the two. A readable level in the body is never replaced (D1 compares it
 * with the number).
 */
function readDegreeWithTitleLevel(page: OcrPage): FieldReading<string> | null {
  const body = searchPage(page.flat, DEGREE_WITH_UNREADABLE_LEVEL)[0];
  const title = searchPage(page.flat, TITLE_LEVEL_PATTERN)[0];
  const discipline = body?.groups.discipline;
  const level = title?.groups.level;
  const misread = body?.groups.level;
  if (!discipline || !level || !misread || !title) return null;
  const degree = parseDegreeName(`${discipline.text}${level.text}`);
  if (degree === null) return null;
  const bodyEvidence = evidenceOf(
    [...discipline.chars, ...misread.chars],
    `${discipline.text}${misread.text}士`,
  );
  const titleEvidence = evidenceOf(title.chars);
  return {
    value: degree,
    evidence: { ...bodyEvidence, confidence: Math.min(bodyEvidence.confidence, titleEvidence.confidence) },
  };
}

const SCHOOL_LABEL = LABEL.degreeSchool;
const NUMBER_LABEL = LABEL.certificateNumber;
const DATE_LABEL = LABEL.issueDate;

export function extractDegreeCertificate(page: OcrPage): Extraction {
  const fields = new ExtractionBuilder(Object.keys(degreeCertificateSchema.shape));
  const labelled = <T extends string>(label: RegExp, parse: (text: string) => T | null) =>
    readCertificateLabel(page, label, STOP_LABELS, parse);

  fields.set('name', readGroup(searchPage(page.joined, NAME_AFTER_LABEL)[0], 'name', parsePersonName));
  fields.set('name', readGroup(searchPage(page.joined, NAME_AT_ROW_START)[0], 'name', parsePersonName));
  fields.set('gender', readGroup(searchPage(page.flat, GENDER_PATTERN)[0], 'gender', parseGender));
  fields.set('gender', readGroup(searchPage(page.flat, GENDER_BETWEEN_COMMAS)[0], 'gender', parseGender));
  // A table-style certificate prints labels instead of a body sentence (姓名 Name：…, 性别：…).
  fields.set('name', labelled(LABEL.name, parsePersonName));
  fields.set('gender', labelled(LABEL.gender, parseGender));
  fields.set('birthDate', readBirthDate(page));
  fields.set('birthDate', labelled(LABEL.birthDate, toIsoDate));

  fields.set('school', labelled(SCHOOL_LABEL, parseInstitutionText));
  const study = studyPlace(page);
  if (study?.school) {
    const school = parseInstitutionText(study.school.text);
    if (school)
      fields.set('school', { value: school, evidence: evidenceOf(study.school.chars, study.school.text) });
  }
  if (study) {
    const major = cleanMajor(study.major.text);
    if (major)
      fields.set('major', { value: major, evidence: evidenceOf(study.major.chars, study.major.text) });
  }
  // The awarding unit also signs the certificate: "南京大学 学位评定委员会主席…" (§3.3).
  fields.set(
    'school',
    readGroup(searchPage(page.joined, SIGNING_UNIT_PATTERN)[0], 'school', parseInstitutionText),
  );
  fields.set('major', labelled(LABEL.major, cleanMajor));
  fields.set('degree', readGroup(searchPage(page.flat, DEGREE_PATTERN)[0], 'degree', parseDegreeName));
  if (!fields.has('degree')) fields.set('degree', readDegreeWithTitleLevel(page));
  fields.set('degree', labelled(LABEL.degree, parseDegreeName));

  fields.set('certificateNumber', labelled(NUMBER_LABEL, parseDegreeCertificateNumber));
  if (!fields.has('certificateNumber')) {
    // Without its label the 16-digit number is still recognisable by its level digit (§3.4).
    const numbers = searchPage(page.joined, /(?<![0-9A-Z])\d{5}[234]20\d{2}\d{6}(?![0-9A-Z])/);
    const [only] = numbers;
    if (only && numbers.length === 1)
      fields.set('certificateNumber', { value: only.text, evidence: evidenceOf(only.chars) });
  }

  const issueDate = labelled(DATE_LABEL, toIsoDate) ?? readIssueDate(page);
  fields.set('issueDate', issueDate);
  if (issueDate) {
    const month = toIsoMonth(issueDate.value);
    if (month) fields.set('conferDate', { value: month, evidence: issueDate.evidence });
  }
  return fields.build();
}

interface PlacePart {
  text: string;
  chars: PageChar[];
}

/**
 * "在{school}{major}专业完成了…": the major, and the school when the place starts with one (a name
 * ending in 大学, 学院 …); "在本校{major}专业": the major alone.
 */
function studyPlace(page: OcrPage): { school: PlacePart | null; major: PlacePart } | null {
  const study = searchPage(page.flat, STUDY_PATTERN)[0]?.groups.place;
  if (!study) return null;
  const place = removeWhitespace(normalizeText(study.text));
  if (place.startsWith('本校'))
    return { school: null, major: { text: place.slice(2), chars: study.chars.slice(2) } };
  const split = INSTITUTION_SUFFIX.exec(place)?.groups;
  if (split?.school && split.major) {
    const schoolLength = [...split.school].length;
    return {
      school: { text: split.school, chars: study.chars.slice(0, schoolLength) },
      major: { text: split.major, chars: study.chars.slice(schoolLength) },
    };
  }
  return { school: null, major: { text: place, chars: study.chars } };
}

/**
 * Where each field is printed (the places the rules read): the slots of the body sentence
 * ({name}，{gender}，{birth}生。在{school}{major}专业…授予{degree}学位), the school beside its label
 * or before 学位评定委员会, the number and the date beside their labels, the date also last on the
 * page. A certificate number the rules find without its label is not a place: its structure names it.
 */
export function degreeCertificateValueRegions(page: OcrPage): ValueRegions {
  const study = studyPlace(page);
  const labelled = (label: RegExp) => certificateLabelRegions(page, label, STOP_LABELS);
  const dates = [...labelled(DATE_LABEL), ...issueDateRegions(page)];
  const person = personRegions(page, STOP_LABELS);
  return {
    ...person,
    name: [...slotRegions(page.joined, NAME_AFTER_LABEL_SLOT), ...person.name],
    school: [
      ...labelled(SCHOOL_LABEL),
      ...(study?.school ? [{ chars: study.school.chars }] : []),
      ...slotRegions(page.joined, SIGNING_UNIT_SLOT),
    ],
    major: [...(study ? [{ chars: study.major.chars }] : []), ...labelled(LABEL.major)],
    degree: [...slotRegions(page.flat, DEGREE_SLOT), ...labelled(LABEL.degree)],
    certificateNumber: labelled(NUMBER_LABEL),
    conferDate: dates,
    issueDate: dates,
  };
}

/** Whatever stands between 学生/姓名 and the gender on one row. */
const NAME_AFTER_LABEL_SLOT = /(?:学生|姓名)[:：]?(?<value>[^\n]{1,24}?)[，,.。]?(?:性别[:：]?)?[男女]/;
/** 授予{degree}学位 / 授予{degree}专业学位, whatever the degree reads as. */
const DEGREE_SLOT = /授予(?<value>[^，,。\n授]{1,16}?)(?:专业)?学位/;
/** The awarding unit before its degree committee's signature line. */
const SIGNING_UNIT_SLOT = /(?:^|\n)(?<value>[^，,。\n]{2,32}?)[★☆*]?学位评定委员会/;
