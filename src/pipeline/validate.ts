import type { DocumentModule } from '../documents/document-module.js';
import type { Extraction, ValidationContext } from '../documents/document-types.js';
import type { ModelFills } from '../llm/assist.js';
import { ALWAYS_REJECTING_CODES, type Reason, reason } from '../verdicts/reasons.js';

/** The type's validators on a reading: format, check digits, ranges, cross-field rules, the applicant. */
export function validate(module: DocumentModule, reading: Extraction, context: ValidationContext): Reason[] {
  return module.validate(reading, context);
}

/** A model value must never cause a reason that rejects (decide.ts, the reason table in reasons.ts). */
const rejects = (r: Reason) => r.severity === 'hard' || ALWAYS_REJECTING_CODES.has(r.code);
const reasonKey = (r: Reason) => `${r.code}:${r.field ?? ''}`;

/**
 * Validates the reading with the model's values in it. A model value that brings a rejecting
 * reason the rules' reading did not have is discarded (the rules' reading of that field stands): a
 * value only the model read is not evidence enough to reject a document, nor to hide why the rules
 * doubted it. When a new rejecting reason names no filled field, every model value is discarded.
 * Without model values the rules' reading and its reasons stand as they are.
 */
export function validateModelFills(
  module: DocumentModule,
  rules: Extraction,
  ruleReasons: Reason[],
  fills: ModelFills | null,
  context: ValidationContext,
): { extraction: Extraction; reasons: Reason[] } {
  if (fills === null || fills.filled.length === 0) return { extraction: rules, reasons: ruleReasons };
  const before = new Set(ruleReasons.filter(rejects).map(reasonKey));
  const newRejections = (reasons: Reason[]) => reasons.filter((r) => rejects(r) && !before.has(reasonKey(r)));
  let extraction = fills.extraction;
  let reasons = validate(module, extraction, context);
  const fresh = newRejections(reasons);
  if (fresh.length === 0) return { extraction, reasons };

  const blamed = new Set(
    fresh.map((r) => r.field).filter((f): f is string => !!f && fills.filled.includes(f)),
  );
  const discarded = blamed.size > 0 ? [...blamed] : [...fills.filled];
  extraction = revert(extraction, rules, discarded);
  reasons = validate(module, extraction, context);
  if (newRejections(reasons).length > 0) {
    discarded.splice(0, discarded.length, ...fills.filled);
    extraction = rules;
    reasons = ruleReasons;
  }
  const notes = discarded.map((field) =>
    reason(
      'LLM_INVALID_OUTPUT',
      'info',
      `The model's value for ${field} failed validation (${fresh.map((r) => r.code).join(', ')}); it was discarded.`,
      { field },
    ),
  );
  return { extraction, reasons: [...reasons, ...notes] };
}

function revert(extraction: Extraction, rules: Extraction, fields: string[]): Extraction {
  const out: Extraction = { fields: { ...extraction.fields }, evidence: { ...extraction.evidence } };
  for (const field of fields) {
    out.fields[field] = rules.fields[field] ?? null;
    const evidence = rules.evidence[field];
    if (evidence) out.evidence[field] = evidence;
    else delete out.evidence[field];
  }
  return out;
}
