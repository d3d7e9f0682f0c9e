import { toImpossibleIsoDate, toIsoDate, toIsoMonth } from '../../text/dates.js';
import { normalizeEducationCategory, normalizeEducationLevel } from '../../text/education.js';
import { normalizePrintedIdNumber } from '../../text/id-number.js';
import { normalizeText, removeWhitespace } from '../../text/unicode.js';
import { cleanMajor, parseDiplomaNumber, parseSeventeenDigitNumber } from '../certificate-text.js';
import type { Extraction, FieldValue } from '../document-types.js';
import { ExtractionBuilder, evidenceOf, type FieldReading, surely } from '../extraction-builder.js';
import { parseGender, parseInstitutionText, parsePersonName } from '../field-parsers.js';
import {
  type LabelledField,
  labelledValueRegions,
  readGroup,
  readLabelledField,
  searchPage,
  type TextMatch,
} from '../field-reading.js';
import { compactRow, type OcrPage, type PageChar, type TextWithPositions } from '../ocr-page.js';
import type { ValueRegions } from '../value-regions.js';
import { type ChsiReportKind, chsiRecordSchema } from './chsi_record.schema.js';

/** 毕（结）业 as printed and as OCR reads it: any bracket, or none, around 结 (NFKC turns （） into ()). */
const COMPLETION = String.raw`毕[(\[〔【]?结[)\]〕】]?业`;
/** The graduation date's label: 毕（结）业日期, 毕业日期 or …时间; 预计毕业日期 (a forecast) is not it. */
const COMPLETION_DATE = `(?<!预计)(?:${COMPLETION}|毕业)(?:日期|时间)`;

/**
 * Labels of the 备案表 and of the 学籍在线验证报告 (docs/formats.md §4.2), with the variants reports
 * print (入学时间, 院校, 学历层次, 离校日期). NFKC turns （） into ().
 */
const STOP_LABELS = new RegExp(
  [
    '(?<!长)姓名',
    '性别',
    '出生日期',
    '民族',
    '证件号码',
    '身份证号',
    '入学(?:日期|时间)',
    COMPLETION_DATE,
    '预计毕业日期',
    '离校日期',
    '学校名称',
    '院校名称',
    '院校',
    '院系',
    '分院',
    '系所',
    '班级',
    '学号',
    '专业',
    '学制',
    '学历层次',
    '层次',
    '学历类别',
    '学习形式',
    `${COMPLETION}(?!日期|时间)`,
    '学籍状态',
    '证书编号',
    '校\\(院\\)长姓名',
    '在线验证码',
    '更新日期',
    '照片',
    '二维码',
  ].join('|'),
);

/** The label of each labelled field: the rules read its value there, and a model's reading is placed there. */
const LABELS = {
  name: /(?<!长)姓名/,
  gender: /性别/,
  birthDate: /出生日期/,
  enrollmentDate: /入学(?:日期|时间)/,
  // 预计毕业日期 (a 学籍 report's expected date) is a forecast, never the graduation date.
  graduationDate: new RegExp(`${COMPLETION_DATE}|离校日期`),
  school: /学校名称|院校名称|院校/,
  major: /专业/,
  educationLevel: /层次/,
  educationCategory: /学历类别/,
  studyForm: /学习形式/,
  certificateNumber: /证书编号/,
  verificationCode: /在线验证码/,
  idNumber: /证件号码|身份证号/,
  updatedDate: /更新日期/,
  studentStatus: /学籍状态/,
} as const;

const field = <T extends FieldValue>(label: RegExp, parse: (text: string) => T | null): LabelledField<T> => ({
  label,
  stopLabels: STOP_LABELS,
  parse,
});

/**
 * 在线验证码: spaces and hyphens removed, upper-cased (S59), and no look-alike mapping: the code
 * mixes letters and digits (§4.3), so an O or a 0 is kept as read.
 */
export function parseVerificationCode(text: string): string | null {
  const value = removeWhitespace(normalizeText(text)).replace(/-/g, '').toUpperCase();
  return /^(\d{12}|[A-Z0-9]{16})$/.test(value) ? value : null;
}

/** The engine name of a PDF text layer read as an OcrResult (src/imaging/pdf-text.ts). */
const PDF_TEXT_LAYER = 'pdf-text';

/** Letters and digits that stand where a verification code is printed, of any length. */
export function parseCodeShapedText(text: string): string | null {
  const value = removeWhitespace(normalizeText(text)).replace(/-/g, '').toUpperCase();
  return /^[A-Z0-9]{4,24}$/.test(value) ? value : null;
}

function parseShortText(text: string): string | null {
  const value = removeWhitespace(normalizeText(text));
  return value.length >= 2 && value.length <= 12 && /^\p{Script=Han}+$/u.test(value) ? value : null;
}

/** 学籍状态 as printed: Han characters, with the bracketed detail some reports add (在籍(注册学籍)). */
function parseStudentStatus(text: string): string | null {
  const value = removeWhitespace(normalizeText(text));
  return /^\p{Script=Han}[\p{Script=Han}()]{1,15}$/u.test(value) ? value : null;
}

/** A 学籍 report's status that is evidence of graduation (docs/formats.md H5): 毕业, and only it. */
export const GRADUATED_STATUS = '毕业';

/** What names a report's kind: its title, or, where the title was lost, the 学籍状态 row (the 备案表 has none). */
const REPORT_KINDS: readonly [RegExp, ChsiReportKind][] = [
  [/学籍在线验证报告/, 'student_status'],
  [/电子注册备案表/, 'record'],
  [/学籍状态/, 'student_status'],
];

/** Which report the page is, and the text that says so; null when nothing on the page says. */
function reportKindMatch(page: OcrPage): { kind: ChsiReportKind; match: TextMatch } | null {
  for (const [pattern, kind] of REPORT_KINDS) {
    const [match] = searchPage(page.joined, pattern);
    if (match) return { kind, match };
  }
  return null;
}

function readReportKind(page: OcrPage): FieldReading<ChsiReportKind> | null {
  const found = reportKindMatch(page);
  return found && { value: found.kind, evidence: evidenceOf(found.match.chars) };
}

export function extractChsiRecord(page: OcrPage): Extraction {
  const fields = new ExtractionBuilder(Object.keys(chsiRecordSchema.shape));
  fields.set('reportKind', readReportKind(page));
  fields.set('studentStatus', readLabelledField(page, field(LABELS.studentStatus, parseStudentStatus)));
  fields.set('name', readLabelledField(page, field(LABELS.name, parsePersonName)));
  fields.set('gender', readLabelledField(page, field(LABELS.gender, parseGender)));
  fields.set('birthDate', readLabelledField(page, field(LABELS.birthDate, toIsoDate)));
  // A date the calendar does not have, read surely, is kept as printed for the calendar rule.
  fields.set('birthDate', surely(readLabelledField(page, field(LABELS.birthDate, toImpossibleIsoDate))));
  fields.set('enrollmentDate', readLabelledField(page, field(LABELS.enrollmentDate, toIsoMonth)));
  fields.set('graduationDate', readLabelledField(page, field(LABELS.graduationDate, toIsoMonth)));
  fields.set('school', readLabelledField(page, field(LABELS.school, parseInstitutionText)));
  fields.set('major', readLabelledField(page, field(LABELS.major, cleanMajor)));
  fields.set(
    'educationLevel',
    readLabelledField(page, field(LABELS.educationLevel, normalizeEducationLevel)),
  );
  fields.set(
    'educationCategory',
    readLabelledField(page, field(LABELS.educationCategory, normalizeEducationCategory)),
  );
  fields.set('studyForm', readLabelledField(page, field(LABELS.studyForm, parseShortText)));
  fields.set(
    'certificateNumber',
    readLabelledField(page, field(LABELS.certificateNumber, parseDiplomaNumber)),
  );
  fields.set(
    'certificateNumber',
    surely(readLabelledField(page, field(LABELS.certificateNumber, parseSeventeenDigitNumber))),
  );
  fields.set(
    'verificationCode',
    readLabelledField(page, field(LABELS.verificationCode, parseVerificationCode)),
  );
  if (page.engine === PDF_TEXT_LAYER) {
    // A PDF's text layer gives the printed characters exactly: a code of a length no code has is
    // printed so, and rule §4.3 judges it. From a photo it is a misreading (a cut box): unreadable.
    fields.set(
      'verificationCode',
      readLabelledField(page, field(LABELS.verificationCode, parseCodeShapedText)),
    );
  }
  fields.set('idNumber', readLabelledField(page, field(LABELS.idNumber, normalizePrintedIdNumber)));
  fields.set('updatedDate', readLabelledField(page, field(LABELS.updatedDate, toIsoDate)));
  readProfileCard(page, fields);
  readCodeWithoutLabel(page, fields);
  const extraction = fields.build();
  // A 学籍 report is evidence of graduation only when its status is 毕业 (H5): a date printed on any
  // other status (a 在籍 student's) is not a graduation date.
  const { reportKind, studentStatus } = extraction.fields;
  if (reportKind === 'student_status' && studentStatus !== GRADUATED_STATUS) {
    extraction.fields.graduationDate = null;
    delete extraction.evidence.graduationDate;
  }
  return extraction;
}

function readCodeWithoutLabel(page: OcrPage, fields: ExtractionBuilder): void {
  if (!fields.has('verificationCode')) {
    // The code is printed at the bottom right, sometimes with its label lost; its A/X + 15 shape is
    // distinctive enough to find it alone (§4.3), but only when exactly one such run is on the page.
    const codes = searchPage(page.joined, /(?<![A-Z0-9])[AX](?=[A-Z0-9]*\d)[A-Z0-9]{15}(?![A-Z0-9])/);
    const [only] = codes;
    if (only && codes.length === 1)
      fields.set('verificationCode', { value: only.text, evidence: evidenceOf(only.chars) });
  }
}

/** The card row of the 学信网 app's 备案表 view: "男　2004年06月12日" (gender and birth date, no labels). */
const CARD_GENDER_AND_BIRTH = /^(?<gender>[男女])(?<birth>\d{4}年\d{1,2}月\d{1,2}日)$/;

/**
 * The 学信网 app shows the holder as a card: the name alone in bold, and under it the gender and
 * birth date, without labels. The card row is recognised by its whole shape (gender then a full
 * date, nothing else); the name is the row right above it, starting at the same x, only when it is
 * a plausible name and no label. Used only for fields the labelled table did not give.
 */
function readProfileCard(page: OcrPage, fields: ExtractionBuilder): void {
  if (fields.has('name') && fields.has('gender') && fields.has('birthDate')) return;
  const card = profileCard(page);
  if (!card) return;
  fields.set('gender', readGroup(card.genderAndBirth, 'gender', parseGender));
  fields.set('birthDate', readGroup(card.genderAndBirth, 'birth', toIsoDate));
  if (card.name)
    fields.set('name', readGroup(searchPage(card.name, /^(?<name>.+)$/)[0], 'name', parsePersonName));
}

/** The card's gender-and-birth row and, when it stands right above it in the same column, the name row. */
function profileCard(page: OcrPage): { genderAndBirth: TextMatch; name: TextWithPositions | null } | null {
  for (const [index, row] of page.rows.entries()) {
    const compact = compactRow(row);
    const match = searchPage(compact, CARD_GENDER_AND_BIRTH)[0];
    if (!match) continue;
    const above = page.rows[index - 1];
    const first = compact.charAt[0];
    if (!above || !first) return { genderAndBirth: match, name: null };
    const name = compactRow(above);
    const nameStart = name.charAt[0];
    const closeAbove = row.top - above.bottom < 1.5 * page.lineHeight;
    const sameColumn =
      nameStart !== null && nameStart !== undefined && Math.abs(nameStart.x0 - first.x0) < page.lineHeight;
    const isName =
      closeAbove && sameColumn && !STOP_LABELS.test(name.text) && !/备案表|学信网|证书/.test(name.text);
    return { genderAndBirth: match, name: isName ? name : null };
  }
  return null;
}

/**
 * Where each field is printed (the places the rules read): beside or under its label in the table,
 * and on the app's card (name, gender, birth date). A verification code the rules find without its
 * label is not a place: its shape names it.
 */
export function chsiRecordValueRegions(page: OcrPage): ValueRegions {
  const regions: ValueRegions = {};
  for (const [name, label] of Object.entries(LABELS)) {
    regions[name] = labelledValueRegions(page, { label, stopLabels: STOP_LABELS });
  }
  const card = profileCard(page);
  const gender = card?.genderAndBirth.groups.gender;
  const birth = card?.genderAndBirth.groups.birth;
  if (gender) regions.gender = [...(regions.gender ?? []), { chars: gender.chars }];
  if (birth) regions.birthDate = [...(regions.birthDate ?? []), { chars: birth.chars }];
  const nameChars = card?.name?.charAt.filter((c): c is PageChar => c !== null) ?? [];
  if (nameChars.length > 0) regions.name = [...(regions.name ?? []), { chars: [...new Set(nameChars)] }];
  return regions;
}
