import { toIsoMonth } from '../../text/dates.js';
import { normalizePrintedIdNumber } from '../../text/id-number.js';
import { normalizeText, removeWhitespace } from '../../text/unicode.js';
import type { Extraction } from '../document-types.js';
import { ExtractionBuilder, evidenceOf, type FieldReading } from '../extraction-builder.js';
import { digitsParser, parseInstitutionText, parsePersonName, parseScore } from '../field-parsers.js';
import {
  type LabelledField,
  labelledValueRegions,
  readAllLabelledFields,
  readLabelledField,
  searchPage,
} from '../field-reading.js';
import { LABEL } from '../label-lexicon.js';
import type { OcrPage, PageRow } from '../ocr-page.js';
import { firstRegion, slotRegions, type ValueRegions } from '../value-regions.js';
import { cetScoreReportSchema } from './cet_score_report.schema.js';

/**
 * Every label printed on the report (docs/formats.md §1.2); a value ends where one starts. The
 * seal's words (教育部教育考试院 / 成绩专用章) end a value too: the seal overlaps the report number.
 */
const STOP_LABELS =
  /姓名|证件号码|身份证号|证件号|学校|院系|准考证号|总分|听力(?!残疾|部分)|阅读|写作[和与及]翻译|翻译[和与]写作|考试时间|考试日期|考试年月|笔试时间|笔试日期|成绩报告单编号|报告单编号|等级|笔试成绩|口试成绩|备注|照片|教育部|考试院|专用章/;

/**
 * The score table's column labels are bilingual (准考证号 / Admission Ticket No., 总分 / Total …).
 * When OCR garbles a Chinese header (a tinted header row: "考证号 总分 力 同读"), its English gloss,
 * printed under it in the same column, is the label: the value is under both.
 */
const TICKET_LABEL = /准?考证号|Adm[a-z]*TicketNo/;

/** A fragment of the red seal read on its own (部教育, 育部教育考, 成绩专用章 …). */
const SEAL_FRAGMENT = /[教育部考试院成绩专用章]{2,}/;

/** The label of each labelled field: the rules read its value there, and a model's reading is placed there. */
const LABELS = {
  name: /姓名/,
  idNumber: /证件号码|身份证号码?|证件号/,
  school: /学校/,
  totalScore: /总分|Total/,
  listeningScore: /听力(?!残疾|部分)|[A-Za-z]?[il]?stening/,
  readingScore: /阅读|Reading/,
  writingTranslationScore: /写作[和与及]翻译|翻译[和与]写作|Writing&?Translation/,
  reportNumber: /成绩报告单编号|报告单编号/,
  admissionTicketNumber: TICKET_LABEL,
  oralTicketNumber: TICKET_LABEL,
  oralGrade: /等级/,
  examSession: LABEL.examSession,
} as const;

/** The title that names the level: 全国大学英语四级考试…, CET-6 (never the 四、六级 of the generic title). */
const TITLE_LEVEL = /大学英语(?<level>[四六])级|英语(?<level2>[四六])级考试|CET-?(?<level3>[46])(?!-?SET)/i;

const field = <T extends string | number>(
  label: RegExp,
  parse: (text: string) => T | null,
): LabelledField<T> => ({
  label,
  stopLabels: STOP_LABELS,
  parse,
  noise: SEAL_FRAGMENT,
});

/** A written ticket is 15 digits; a 15-character value starting with F or S is the oral ticket (§1.4). */
function parseWrittenTicket(text: string): string | null {
  if (/^[FS]/i.test(removeWhitespace(normalizeText(text)))) return null;
  return digitsParser(15)(text);
}

function parseOralTicket(text: string): string | null {
  const value = removeWhitespace(normalizeText(text)).toUpperCase();
  return /^[FS][0-9A-Z]{14}$/.test(value) ? value : null;
}

/** Oral grades A+ … C, and D, which is never printed (C6) but must be read to be caught. */
function parseOralGrade(text: string): string | null {
  const value = removeWhitespace(normalizeText(text)).toUpperCase();
  return /^[ABCD]\+?$/.test(value) && value !== 'D+' ? value : null;
}

function parseCetLevel(text: string): 'CET4' | 'CET6' | null {
  if (/四|4/.test(text)) return 'CET4';
  if (/六|6/.test(text)) return 'CET6';
  return null;
}

/**
 * Evidence key (not a contract field) holding the text after 备注 as read, for rule C-remark: the
 * only remark NEEA prints is the listening-exemption note.
 */
export const REMARK = 'remark';

export function extractCetScoreReport(page: OcrPage): Extraction {
  const fields = new ExtractionBuilder(Object.keys(cetScoreReportSchema.shape));

  const title = searchPage(page.flat, TITLE_LEVEL)[0];
  if (title) {
    const level = parseCetLevel(title.text);
    if (level) fields.set('level', { value: level, evidence: evidenceOf(title.chars, title.text) });
  }

  fields.set('name', readLabelledField(page, field(LABELS.name, parsePersonName)));
  fields.set('idNumber', readLabelledField(page, field(LABELS.idNumber, normalizePrintedIdNumber)));
  fields.set('school', readLabelledField(page, field(LABELS.school, parseInstitutionText)));
  fields.set('totalScore', readLabelledField(page, field(LABELS.totalScore, parseScore)));
  fields.set('listeningScore', readLabelledField(page, field(LABELS.listeningScore, parseScore)));
  fields.set('readingScore', readLabelledField(page, field(LABELS.readingScore, parseScore)));
  fields.set(
    'writingTranslationScore',
    readLabelledField(page, field(LABELS.writingTranslationScore, parseScore)),
  );
  fields.set('reportNumber', readLabelledField(page, field(LABELS.reportNumber, digitsParser(15))));
  fields.set(
    'admissionTicketNumber',
    readLabelledField(page, field(LABELS.admissionTicketNumber, parseWrittenTicket)),
  );
  fields.set('oralTicketNumber', readLabelledField(page, field(LABELS.oralTicketNumber, parseOralTicket)));
  fields.set('oralGrade', readLabelledField(page, field(LABELS.oralGrade, parseOralGrade)));
  fields.set('examSession', writtenExamSession(page));
  pairUnlabelledNumbers(page, fields);

  const remark = searchPage(page.joined, /(?:^|\n)备?注[:：]?(?<text>[^\n]*)/)[0];
  if (remark) fields.note(REMARK, evidenceOf(remark.chars, remark.groups.text?.text ?? ''));

  // The exemption note (S12) is read as present or absent only once the score section was read:
  // on a page where nothing could be read, its absence says nothing.
  const exemption = searchPage(page.flat, /听力残疾|听力部分免考/)[0];
  if (exemption) fields.set('listeningExempt', { value: true, evidence: evidenceOf(exemption.chars) });
  else if (fields.has('totalScore')) {
    const total = fields.build().evidence.totalScore;
    if (total) fields.set('listeningExempt', { value: false, evidence: { ...total, text: '' } });
  }
  return fields.build();
}

/**
 * The report prints 考试时间 for the written and the oral test; the written one is in the 笔试
 * section, above the 口试 heading (when the sections are stacked) or first in reading order. A
 * footer that carries the report number and the session on one row ("报告单编号：… 考试时间：2023年12月")
 * belongs to neither section: it is the session of the report, whose number encodes the written
 * test's (§1.4).
 */
function writtenExamSession(page: OcrPage): FieldReading<string> | null {
  const readings = readAllLabelledFields(page, field(LABELS.examSession, toIsoMonth));
  const oralHeading = oralSectionHeading(page);
  if (oralHeading === undefined) return readings[0] ?? null;
  const footers = reportNumberRows(page);
  return (
    readings.find((r) => (r.evidence.box?.[1] ?? Number.POSITIVE_INFINITY) < oralHeading.top) ??
    readings.find((r) => footers.some((row) => inRow(r.evidence.box?.[1], row))) ??
    null
  );
}

/** The rows that print the report-number label (the report's footer). */
function reportNumberRows(page: OcrPage): PageRow[] {
  return page.rows.filter((row) =>
    LABELS.reportNumber.test(
      row.chars
        .map((c) => c.ch)
        .join('')
        .replace(/\s/g, ''),
    ),
  );
}

function inRow(y: number | undefined, row: PageRow): boolean {
  return y !== undefined && y >= row.top - 1 && y <= row.bottom;
}

function oralSectionHeading(page: OcrPage) {
  return page.rows.find((row) => {
    const text = row.chars.map((c) => c.ch).join('');
    return /口\s*试/.test(text) && !/笔\s*试/.test(text);
  });
}

/**
 * Where each field is printed (the places the rules read): the labelled fields beside or under their
 * label (the exam session in the written section only), the level in the title. The report numbers
 * the rules pair without a label are not places: their structure, not their position, names them.
 */
export function cetScoreReportValueRegions(page: OcrPage): ValueRegions {
  const regions: ValueRegions = {};
  for (const [name, label] of Object.entries(LABELS)) {
    regions[name] = labelledValueRegions(page, { label, stopLabels: STOP_LABELS, noise: SEAL_FRAGMENT });
  }
  const oralHeading = oralSectionHeading(page);
  if (oralHeading) {
    const footers = reportNumberRows(page);
    regions.examSession = (regions.examSession ?? []).filter(
      (r) => (r.chars[0]?.y0 ?? 0) < oralHeading.top || footers.some((row) => inRow(r.chars[0]?.y0, row)),
    );
  }
  regions.level = firstRegion(slotRegions(page.flat, TITLE_LEVEL_SLOT));
  return regions;
}

/** The title's words around the level, whatever the level reads as (四, 六, or a misreading). */
const TITLE_LEVEL_SLOT = /(?<value>大学英语.{1,3}级|英语.{1,3}级考试|CET-?\w(?!-?SET))/i;

/**
 * When OCR lost one of the two number labels, a 15-digit number elsewhere on the page is taken as
 * the missing one only if it agrees with the other in year, half and level digits (X1–X3): the
 * structure, not its position, identifies it. Its confidence is lowered so it is reviewed.
 */
function pairUnlabelledNumbers(page: OcrPage, fields: ExtractionBuilder): void {
  const ticket = fields.get('admissionTicketNumber');
  const report = fields.get('reportNumber');
  if ((ticket === null) === (report === null)) return;
  const known = (ticket ?? report) as string;
  const candidates = searchPage(page.joined, /(?<![0-9A-Z])\d{15}(?![0-9A-Z])/).filter(
    (m) => m.text !== known,
  );
  const fits = (t: string, r: string) => t.slice(6, 8) === r.slice(0, 2) && t[8] === r[2] && t[9] === r[3];
  const matching = candidates.filter((m) => (ticket !== null ? fits(known, m.text) : fits(m.text, known)));
  const [only] = matching;
  if (only === undefined || matching.length > 1) return;
  const evidence = evidenceOf(only.chars, only.text);
  fields.set(ticket !== null ? 'reportNumber' : 'admissionTicketNumber', {
    value: only.text,
    evidence: { ...evidence, confidence: evidence.confidence * 0.9 },
  });
}
