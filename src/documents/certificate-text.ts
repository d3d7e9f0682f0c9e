import { DATE_NUMERAL_CLASS, toImpossibleIsoDate, toIsoDate } from '../text/dates.js';
import { normalizeDigitField } from '../text/digits.js';
import {
  normalizeEducationLevel,
  parseYearsCount,
  STUDY_TYPE_OF_CERTIFICATE_DIGIT,
} from '../text/education.js';
import { normalizeText, removeWhitespace } from '../text/unicode.js';
import type { FieldValue } from './document-types.js';
import { evidenceOf, type FieldReading, surely } from './extraction-builder.js';
import { labelledValueRegions, readGroup, readLabelledField, searchPage } from './field-reading.js';
import { CELL_LABEL, CERTIFICATE_LABELS, LABEL } from './label-lexicon.js';
import type { OcrPage } from './ocr-page.js';
import { slotRegions, type ValueRegion } from './value-regions.js';

/** Patterns shared by the diploma and degree templates (docs/formats.md §2.2, §3.3, §6.4). */
const D = DATE_NUMERAL_CLASS;
export const FULL_DATE = `${D}{4}年${D}{1,3}月${D}{1,3}[日号]`;
/** A month in words or in digits ("2017年9月", "二〇一七年九月", "2017.09", "2017-9"). */
export const YEAR_MONTH = `(?:${D}{4}年${D}{1,3}月|\\d{4}[.\\-/]\\d{1,2}(?![\\d.\\-/]))`;
/** …生 or …出生: "一九九七年二月三日生", "1997年2月3日出生". */
export const BIRTH_DATE_PATTERN = new RegExp(`(?<birth>${FULL_DATE})出?生`);
/** 于 is read as 千 or 干 on photos (a look-alike, §6.3); the date after it decides. */
export const STUDY_PERIOD_PATTERN = new RegExp(
  `[于自千干](?<start>${YEAR_MONTH})份?(?:起)?至(?<end>${YEAR_MONTH})份?`,
);
/**
 * The two ends of the study period on their own, for a body where OCR garbled the other end
 * ("于二〇二年九月至二〇二六年六月": the start lost a digit, the end is still readable).
 */
export const STUDY_START_PATTERN = new RegExp(`[于自千干](?<start>${YEAR_MONTH})份?(?:起)?至`);
export const STUDY_END_PATTERN = new RegExp(
  `(?:年${DATE_NUMERAL_CLASS}{1,3}月|\\d{4}[.\\-/]\\d{1,2})份?(?:起)?至(?<end>${YEAR_MONTH})份?`,
);
/** 性别男 / 性别：女; 别 is often misread (性例男) or lost (性女) on photos: 性 + 男/女 decides. */
export const GENDER_PATTERN = /性(?:别|例|剐|刖|列)?[:：]?(?<gender>[男女])/;
/** The gender alone between commas, in bodies that start with the name: "李娜，女，…". */
export const GENDER_BETWEEN_COMMAS = /[，,.。](?<gender>[男女])[，,.。]/;
/**
 * Bodies that start a row with the name: "尹航，男，一九九四年七月生。" (§3.3), "李娜，女，1999年…生，于…".
 * Never words of the title or of the body (学位, 证书, 学生 …).
 */
export const NAME_AT_ROW_START =
  /(?:^|\n)(?<name>(?:(?!学位|证书|学士|硕士|博士|大学|学生|研究生)[^，,。.:：\d\n]){2,20}?)[，,.。]?(?:性别[:：]?)?[男女][，,.。]/;

/**
 * Slots of the body sentence shared by the diploma and degree templates, for placing a value the
 * rules could not parse (src/documents/value-regions.ts): what stands before 生, between 于 and 至,
 * after 至, and after 性别.
 */
export const BIRTH_DATE_SLOT = /(?<value>[^，,。.\n]{4,24}?)出?生/;
export const STUDY_START_SLOT = /[于自千干](?<value>[^，,。至]{4,16}?)份?(?:起)?至/;
export const STUDY_END_SLOT = /至(?<value>[^，,。至在]{4,16})/;
export const GENDER_SLOT = /性(?:别|例|剐|刖|列)?[:：]?(?<value>[男女])/;
/** Whatever starts a row before ，男， / ，女， (bodies that start with the name). */
export const NAME_AT_ROW_START_SLOT =
  /(?:^|\n)(?<value>[^，,。.:：\n]{1,24}?)[，,.。]?(?:性别[:：]?)?[男女][，,.。]/;
export const GENDER_BETWEEN_COMMAS_SLOT = /[，,.。](?<value>[男女])[，,.。]/;
/**
 * Labels of the dates that are not the issue date (a table's 出生日期：…, 毕（结）业日期：…): a date
 * standing right after one of them is that field's, never the issue date.
 */
const OTHER_DATE_LABEL = `(?:${[LABEL.birthDate, LABEL.enrollmentDate, LABEL.graduationDate].map((l) => l.source).join('|')})`;
/** A full date's shape, whatever its numerals read as, not followed by 生 or 出生 (a birth date) nor after another date's label. */
const ISSUE_DATE_SLOT = new RegExp(
  `(?<!${OTHER_DATE_LABEL}[:：]?.{0,4})(?<value>[^，,。.:：\\n]{2,6}年[^，,。.\\n]{1,4}月[^，,。.\\n]{1,5}?[日号])(?!出?生)`,
);

/** Where the issue date is printed: the last full date of the page (as readIssueDate reads it). */
export function issueDateRegions(page: OcrPage): ValueRegion[] {
  return slotRegions(page.joined, ISSUE_DATE_SLOT).slice(-1);
}

/**
 * The birth date of the body ("…一九九七年二月三十日生"): a real date, or, read surely, a date that
 * does not exist on the calendar, kept as printed for the calendar rule (a tampered date). An unsure
 * reading of an impossible date is unreadable (null).
 */
export function readBirthDate(page: OcrPage): FieldReading<string> | null {
  const match = searchPage(page.flat, BIRTH_DATE_PATTERN)[0];
  return readGroup(match, 'birth', toIsoDate) ?? surely(readGroup(match, 'birth', toImpossibleIsoDate));
}

/** The issue date: the last full date on the page that is not a birth date (…日生). */
export function readIssueDate(page: OcrPage): FieldReading<string> | null {
  const dates = searchPage(page.flat, new RegExp(`(?<!${OTHER_DATE_LABEL}[:：]?)${FULL_DATE}(?!出?生)`));
  for (const match of dates.reverse()) {
    const iso = toIsoDate(match.text);
    if (iso !== null) return { value: iso, evidence: evidenceOf(match.chars, match.text) };
  }
  return null;
}

/** Majors and schools: NFKC, no whitespace, a trailing "(网络教育)" or similar note removed. */
export function cleanMajor(text: string): string | null {
  const value = removeWhitespace(normalizeText(text))
    .replace(/\((?:网络教育|函授|业余|脱产|成人教育|自学考试)\)/g, '')
    .replace(/^[,，:：]+|[,，。]+$/g, '');
  return value.length >= 2 && value.length <= 40 && /\p{Script=Han}/u.test(value) ? value : null;
}

/**
 * A graduation certificate (= CHSI registration) number (§2.4): 18 digits, or 17 for graduation
 * years up to 2002. A 17-digit reading is accepted only with the full structure of such a number
 * (type digit, a year up to 2002, a level code): otherwise it is an 18-digit number with a digit
 * lost by OCR, not the printed value, and it is unreadable (null), not rejected as malformed.
 */
export function parseDiplomaNumber(text: string): string | null {
  const digits = normalizeDigitField(text);
  if (digits === null) return null;
  if (digits.length === 18) return digits;
  if (/^\d{5}[15679](?:19\d{2}|200[0-2])0[12456]\d{5}$/.test(digits)) return digits;
  return null;
}

/**
 * A 17-digit graduation certificate number as printed, whatever its year: for a reading sure enough
 * (`surely`) to be judged by rule G1 (17 digits only up to 2002). The targeted re-read has already
 * tried every 17-digit run again and lowered the line's confidence when it saw another length.
 */
export function parseSeventeenDigitNumber(text: string): string | null {
  const digits = normalizeDigitField(text);
  return digits !== null && digits.length === 17 ? digits : null;
}

/** Study type from certificate-number digit 6 (§2.4), or null for an unknown digit. */
export function studyTypeOfCertificateNumber(certificateNumber: string): string | null {
  return STUDY_TYPE_OF_CERTIFICATE_DIGIT[certificateNumber[5] ?? ''] ?? null;
}

/** The study-type wording printed on the face, most specific first (G3). */
export function readPrintedStudyType(page: OcrPage): FieldReading<string> | null {
  const wordings: [RegExp, string][] = [
    [/网络教育/, '网络教育'],
    [/成人高等教育|成人教育/, '成人高等教育'],
    [/自学考试/, '高等教育自学考试'],
    [/普通高等学校|普通高等教育/, '普通高等教育'],
  ];
  for (const [pattern, studyType] of wordings) {
    const match = searchPage(page.flat, pattern)[0];
    if (match) return { value: studyType, evidence: evidenceOf(match.chars, match.text) };
  }
  return null;
}

/**
 * A value printed beside or under its label in a certificate's table or labelled lines ("姓名：李娜
 * 性别：女 出生日期：…", "姓名 Name" over "李娜"): it ends where any certificate label or one of the
 * type's own labels starts. Only the places the label allows are read (field-reading.ts).
 */
export function readCertificateLabel<T extends FieldValue>(
  page: OcrPage,
  label: RegExp,
  typeLabels: RegExp,
  parse: (text: string) => T | null,
): FieldReading<T> | null {
  return readLabelledField(page, { ...labelOf(label, typeLabels), parse });
}

/** Where readCertificateLabel reads (the value regions of a labelled certificate field). */
export function certificateLabelRegions(page: OcrPage, label: RegExp, typeLabels: RegExp): ValueRegion[] {
  return labelledValueRegions(page, labelOf(label, typeLabels));
}

function labelOf(label: RegExp, typeLabels: RegExp) {
  const cellLabel = CELL_LABEL.get(label);
  return {
    label,
    stopLabels: certificateStopLabels(typeLabels),
    standalone: true,
    ...(cellLabel ? { cellLabel } : {}),
  };
}

function certificateStopLabels(typeLabels: RegExp): RegExp {
  return new RegExp(`${CERTIFICATE_LABELS.source}|${typeLabels.source}`);
}

/** A count of years as a table prints it: 四年, 4年, 四年制, 4. */
export function parseDurationText(text: string): number | null {
  return parseYearsCount(removeWhitespace(normalizeText(text)).replace(/年制?$/, ''));
}

/** An education level as a table prints it (本科, 专科, 硕士研究生 …), nothing longer. */
export function parseLevelText(text: string): string | null {
  const value = removeWhitespace(normalizeText(text));
  return value.length <= 8 ? normalizeEducationLevel(value) : null;
}

/**
 * Where the person fields of either certificate are printed: the name starting a body row
 * ("李娜，女，…") or beside its label, the gender after 性别 or between commas or beside its label,
 * the birth date before 生 or beside its label. Each type adds its own name slots.
 */
export function personRegions(
  page: OcrPage,
  typeLabels: RegExp,
): { name: ValueRegion[]; gender: ValueRegion[]; birthDate: ValueRegion[] } {
  const labelled = (label: RegExp) => certificateLabelRegions(page, label, typeLabels);
  return {
    name: [...slotRegions(page.joined, NAME_AT_ROW_START_SLOT), ...labelled(LABEL.name)],
    gender: [
      ...slotRegions(page.flat, GENDER_SLOT),
      ...slotRegions(page.flat, GENDER_BETWEEN_COMMAS_SLOT),
      ...labelled(LABEL.gender),
    ],
    birthDate: [...slotRegions(page.joined, BIRTH_DATE_SLOT), ...labelled(LABEL.birthDate)],
  };
}
