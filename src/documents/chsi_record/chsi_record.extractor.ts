import type { OcrResult } from '../../pipeline/ocr/ocr.types.js';
import { toImpossibleIsoDate, toIsoDate, toIsoMonth } from '../../text/dates.js';
import { normalizeEducationCategory, normalizeEducationLevel } from '../../text/education.js';
import { normalizePrintedIdNumber } from '../../text/id-number.js';
import { normalizeText, removeWhitespace } from '../../text/unicode.js';
import { cleanMajor, parseDiplomaNumber, parseSeventeenDigitNumber } from '../certificate-text.js';
import type { Extraction, FieldValue } from '../document-types.js';
import { parseGender, parseInstitutionText, parsePersonName } from '../field-parsers.js';
import {
  ExtractionBuilder,
  evidenceOf,
  type LabelledField,
  readGroup,
  readLabelledField,
  searchPage,
  surely,
} from '../field-reading.js';
import { buildOcrPage, compactRow, type OcrPage } from '../ocr-page.js';
import { chsiRecordSchema } from './chsi_record.schema.js';

/** Labels of the 备案表 table (formats-research §4.2). NFKC turns （） into (). */
const STOP_LABELS =
  /(?<!长)姓名|性别|出生日期|民族|证件号码|身份证号|入学日期|毕\(?结\)?业日期|学校名称|院校|专业|学制|层次|学历类别|学习形式|毕\(结\)业(?!日期)|证书编号|校\(院\)长姓名|在线验证码|更新日期|照片|二维码/;

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

/** The engine name of a PDF text layer read as an OcrResult (src/pipeline/pdf.ts). */
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

export function extractChsiRecord(ocr: OcrResult): Extraction {
  const page = buildOcrPage(ocr);
  const fields = new ExtractionBuilder(Object.keys(chsiRecordSchema.shape));
  fields.set('name', readLabelledField(page, field(/(?<!长)姓名/, parsePersonName)));
  fields.set('gender', readLabelledField(page, field(/性别/, parseGender)));
  fields.set('birthDate', readLabelledField(page, field(/出生日期/, toIsoDate)));
  // A date the calendar does not have, read surely, is kept as printed for the calendar rule.
  fields.set('birthDate', surely(readLabelledField(page, field(/出生日期/, toImpossibleIsoDate))));
  fields.set('enrollmentDate', readLabelledField(page, field(/入学日期/, toIsoMonth)));
  fields.set('graduationDate', readLabelledField(page, field(/毕\(?结\)?业日期/, toIsoMonth)));
  fields.set('school', readLabelledField(page, field(/学校名称|院校/, parseInstitutionText)));
  fields.set('major', readLabelledField(page, field(/专业/, cleanMajor)));
  fields.set('educationLevel', readLabelledField(page, field(/层次/, normalizeEducationLevel)));
  fields.set('educationCategory', readLabelledField(page, field(/学历类别/, normalizeEducationCategory)));
  fields.set('studyForm', readLabelledField(page, field(/学习形式/, parseShortText)));
  fields.set('certificateNumber', readLabelledField(page, field(/证书编号/, parseDiplomaNumber)));
  fields.set(
    'certificateNumber',
    surely(readLabelledField(page, field(/证书编号/, parseSeventeenDigitNumber))),
  );
  fields.set('verificationCode', readLabelledField(page, field(/在线验证码/, parseVerificationCode)));
  if (ocr.engine === PDF_TEXT_LAYER) {
    // A PDF's text layer gives the printed characters exactly: a code of a length no code has is
    // printed so, and rule §4.3 judges it. From a photo it is a misreading (a cut box): unreadable.
    fields.set('verificationCode', readLabelledField(page, field(/在线验证码/, parseCodeShapedText)));
  }
  fields.set('idNumber', readLabelledField(page, field(/证件号码|身份证号/, normalizePrintedIdNumber)));
  fields.set('updatedDate', readLabelledField(page, field(/更新日期/, toIsoDate)));
  readProfileCard(page, fields);
  if (!fields.has('verificationCode')) {
    // The code is printed at the bottom right, sometimes with its label lost; its A/X + 15 shape is
    // distinctive enough to find it alone (§4.3), but only when exactly one such run is on the page.
    const codes = searchPage(page.joined, /(?<![A-Z0-9])[AX](?=[A-Z0-9]*\d)[A-Z0-9]{15}(?![A-Z0-9])/);
    const [only] = codes;
    if (only && codes.length === 1)
      fields.set('verificationCode', { value: only.text, evidence: evidenceOf(only.chars) });
  }
  return fields.build();
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
  for (const [index, row] of page.rows.entries()) {
    const compact = compactRow(row);
    const match = searchPage(compact, CARD_GENDER_AND_BIRTH)[0];
    if (!match) continue;
    fields.set('gender', readGroup(match, 'gender', parseGender));
    fields.set('birthDate', readGroup(match, 'birth', toIsoDate));
    const above = page.rows[index - 1];
    const first = compact.charAt[0];
    if (!above || !first) return;
    const name = compactRow(above);
    const nameStart = name.charAt[0];
    const closeAbove = row.top - above.bottom < 1.5 * page.lineHeight;
    const sameColumn =
      nameStart !== null && nameStart !== undefined && Math.abs(nameStart.x0 - first.x0) < page.lineHeight;
    if (closeAbove && sameColumn && !STOP_LABELS.test(name.text) && !/备案表|学信网|证书/.test(name.text)) {
      fields.set('name', readGroup(searchPage(name, /^(?<name>.+)$/)[0], 'name', parsePersonName));
    }
    return;
  }
}
