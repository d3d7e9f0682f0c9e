import type { Extraction, FieldEvidence, FieldValue } from './document-types.js';
import { boxAround, type PageChar } from './ocr-page.js';

/** A value read from the page with the characters it came from. */
export interface FieldReading<T extends FieldValue> {
  value: T;
  evidence: FieldEvidence;
}

export function evidenceOf(chars: readonly PageChar[], text?: string): FieldEvidence {
  const readChars = chars.filter((c) => c.ch !== ' ');
  const evidence: FieldEvidence = {
    text: text ?? readChars.map((c) => c.ch).join(''),
    box: boxAround(readChars),
    confidence: readChars.length > 0 ? Math.min(...readChars.map((c) => c.confidence)) : 0,
    source: 'rules',
  };
  if (readChars.some((c) => c.doubt)) {
    evidence.characters = readChars.map((c) => ({
      char: c.ch,
      confidence: c.doubt?.confidence ?? c.confidence,
      candidates: c.doubt?.candidates ?? [],
    }));
  }
  return evidence;
}

/**
 * A reading at least this confident may break a HARD rule on its own: a value as printed that no
 * genuine document carries (an impossible date, a number of an impossible length). OCR engines report
 * 0.98–1.00 on clean print (and the PDF text layer is exact); a misread character usually pulls a
 * line below this, and then the value stays unreadable (null) and a person looks.
 */
export const SURE_READING = 0.95;

/** The reading, when it is sure enough to judge a HARD rule by itself; null otherwise. */
export function surely<T extends FieldValue>(reading: FieldReading<T> | null): FieldReading<T> | null {
  return reading !== null && reading.evidence.confidence >= SURE_READING ? reading : null;
}

/** Collects field values and their evidence; every schema field starts as null. */
export class ExtractionBuilder {
  private readonly fields: Extraction['fields'];
  private readonly evidence: Extraction['evidence'] = {};

  constructor(fieldNames: readonly string[]) {
    this.fields = Object.fromEntries(fieldNames.map((name) => [name, null]));
  }

  /** Sets a field unless it already has a value (the first, most specific reading wins). */
  set<T extends FieldValue>(field: string, reading: FieldReading<T> | null): void {
    // A misspelt name is a bug in the extractor, whatever was read: it must not pass silently.
    if (!Object.hasOwn(this.fields, field)) throw new Error(`${field} is not a field of this document type`);
    if (reading === null || reading.value === null || this.fields[field] !== null) return;
    this.fields[field] = reading.value;
    this.evidence[field] = reading.evidence;
  }

  has(field: string): boolean {
    return this.fields[field] !== null && this.fields[field] !== undefined;
  }

  get(field: string): FieldValue {
    return this.fields[field] ?? null;
  }

  /** Evidence that is not a contract field (e.g. the printed study-type wording for rule G3). */
  note(key: string, evidence: FieldEvidence): void {
    this.evidence[key] = evidence;
  }

  build(): Extraction {
    return { fields: { ...this.fields }, evidence: { ...this.evidence } };
  }
}
