import { createHash } from 'node:crypto';
import type { Classification } from '../documents/classify.js';
import type { DocumentModule } from '../documents/document-module.js';
import type {
  Extraction,
  FieldEvidence,
  SupportedDocumentType,
  ValidationContext,
} from '../documents/document-types.js';
import { LOW_FIELD_CONFIDENCE } from '../documents/field-checks.js';
import type { ValueRegions } from '../documents/value-regions.js';
import type { OcrResult } from '../ocr/ocr.types.js';
import { MIN_VERIFIED_CLASSIFICATION_CONFIDENCE } from '../verdicts/decide.js';
import { type Reason, type ReasonCode, reason } from '../verdicts/reasons.js';
import type { LlmClient, LlmUsage, StructuredResult } from './client.js';
import { fieldKindsOf, groundValue } from './grounding.js';
import { documentMessage, type PromptSet } from './prompts.js';
import {
  classificationReplyJsonSchema,
  classificationReplySchema,
  extractionReplyJsonSchema,
  extractionReplySchema,
} from './schema.js';

/** The LLM assist as the pipeline receives it: a client and the prompts loaded at start. */
export interface LlmAssist {
  client: LlmClient;
  prompts: PromptSet;
}

/** What a page gives the model: OCR text, and the preprocessed image (PNG) when LLM_VISION is on. */
export interface AssistPage {
  ocr: OcrResult;
  /** read-document's preprocessed page; null for a PDF text layer. */
  prepared: { ocrImage: Buffer } | null;
}

/**
 * Reasons a validator raises about one field's reading (format, check digit, range, confidence):
 * only such a field may be replaced by a grounded model value. Cross-field, binding, duplicate and
 * tampering reasons are never "fixed" by the model: they are what the rules saw on the document.
 */
const REPLACEABLE: ReadonlySet<ReasonCode> = new Set([
  'LOW_CONFIDENCE',
  'FIELD_FORMAT_INVALID',
  'NUMBER_FORMAT_INVALID',
  'CHECKSUM_INVALID',
  'SCORE_OUT_OF_RANGE',
]);

/** A type the model names for a page the rules could not place needs at least this much rule signal. */
export const MIN_RULE_SIGNAL_FOR_MODEL_TYPE = 0.2;

/**
 * One verification's use of the model: the classification and extraction stages, and what they
 * spent. With no client (LLM_MODE=off) both stages are the rules alone.
 */
export function createAssistSession(assist: LlmAssist | null | undefined) {
  const consulted: string[] = [];
  const usage: LlmUsage = { promptTokens: 0, completionTokens: 0 };
  let elapsedMs = 0;

  async function call<T>(run: () => Promise<StructuredResult<T>>, promptVersion: string) {
    const started = performance.now();
    const result = await run();
    elapsedMs += performance.now() - started;
    usage.promptTokens += result.usage.promptTokens;
    usage.completionTokens += result.usage.completionTokens;
    if (!consulted.includes(promptVersion)) consulted.push(promptVersion);
    return result;
  }

  return {
    /**
     * Classification assist: consulted when the rules found some signal but no type, or when two
     * types compete. The model can place a page the rules could not (with the rules' own low
     * confidence, so it is never verified) or add doubt; it never raises a confidence.
     */
    async classify(
      page: AssistPage | null,
      ruled: Classification,
    ): Promise<{ classification: Classification; reasons: Reason[] }> {
      if (!assist || !page) return { classification: ruled, reasons: [] };
      const bestScore = Math.max(0, ...Object.values(ruled.scores ?? {}));
      const uncertain =
        ruled.type === 'unknown'
          ? bestScore >= MIN_RULE_SIGNAL_FOR_MODEL_TYPE
          : ruled.confidence < MIN_VERIFIED_CLASSIFICATION_CONFIDENCE;
      if (assist.client.mode === 'assist' && !uncertain) return { classification: ruled, reasons: [] };

      const prompt = assist.prompts.classify;
      const result = await call(
        () =>
          assist.client.structured({
            task: 'classify',
            promptVersion: prompt.version,
            system: prompt.system,
            user: documentMessage(page.ocr.text),
            contentHash: sha256(page.ocr.text),
            image: assist.client.vision ? (page.prepared?.ocrImage ?? null) : null,
            schemaName: 'document_classification',
            jsonSchema: classificationReplyJsonSchema,
            schema: classificationReplySchema,
          }),
        prompt.version,
      );
      if (!result.ok)
        return { classification: ruled, reasons: [failureReason(result.failure, result.detail)] };

      const reasons: Reason[] = [];
      if (result.value.instructionsInDocument) reasons.push(modelSawInstructions());
      const said = result.value.documentType;
      if (said === ruled.type) return { classification: ruled, reasons };
      if (ruled.type === 'unknown') {
        const score = said === 'unknown' ? 0 : (ruled.scores?.[said] ?? 0);
        if (said === 'unknown' || score < MIN_RULE_SIGNAL_FOR_MODEL_TYPE) {
          return { classification: ruled, reasons };
        }
        reasons.push(
          reason(
            'CLASSIFICATION_UNCERTAIN',
            'soft',
            `The rules could not place the page; the model read it as ${said}.`,
            { messageZh: '文件类型不确定，需人工复核。' },
          ),
        );
        // The rules' own score for that type (below the classification threshold): never verified.
        return {
          classification: { ...ruled, type: said, confidence: Math.min(score, ruled.confidence) },
          reasons,
        };
      }
      reasons.push(
        reason('CLASSIFICATION_UNCERTAIN', 'soft', `The rules read ${ruled.type}; the model read ${said}.`, {
          messageZh: '文件类型不确定，需人工复核。',
        }),
      );
      return { classification: ruled, reasons };
    },

    /**
     * Extraction assist, then validation. The model is consulted (in assist mode) only when a
     * scored field is missing, read with low confidence or flagged by a validator. Its values are
     * kept only when found in the OCR text (grounded), and only for fields the rules left null or
     * read wrongly; the merged extraction is validated again by the type's validators.
     * Returns the extraction and every validation and assist reason.
     */
    async extract(input: {
      module: DocumentModule;
      page: AssistPage;
      extraction: Extraction;
      context: ValidationContext;
      classification: Classification;
    }): Promise<{ extraction: Extraction; reasons: Reason[] }> {
      const { module, page, context } = input;
      const ruleReasons = module.validate(input.extraction, context);
      if (!assist) return { extraction: input.extraction, reasons: ruleReasons };

      const flagged = new Set(
        ruleReasons.filter((r) => r.field && REPLACEABLE.has(r.code)).map((r) => r.field as string),
      );
      const uncertain =
        flagged.size > 0 ||
        module.scoredFields.some((f) => input.extraction.fields[f] === null) ||
        module.scoredFields.some(
          (f) => (input.extraction.evidence[f]?.confidence ?? 1) < LOW_FIELD_CONFIDENCE,
        ) ||
        input.classification.confidence < MIN_VERIFIED_CLASSIFICATION_CONFIDENCE;
      if (assist.client.mode === 'assist' && !uncertain) {
        return { extraction: input.extraction, reasons: ruleReasons };
      }

      const prompt = assist.prompts.extract[module.type as SupportedDocumentType];
      const replySchema = extractionReplySchema(module.schema);
      const result = await call(
        () =>
          assist.client.structured({
            task: 'extract',
            promptVersion: prompt.version,
            system: prompt.system,
            user: documentMessage(page.ocr.text),
            contentHash: sha256(page.ocr.text),
            image: assist.client.vision ? (page.prepared?.ocrImage ?? null) : null,
            schemaName: `${module.type}_fields`,
            jsonSchema: extractionReplyJsonSchema(module.schema),
            schema: replySchema,
          }),
        prompt.version,
      );
      if (!result.ok) {
        return {
          extraction: input.extraction,
          reasons: [...ruleReasons, failureReason(result.failure, result.detail)],
        };
      }

      const assistReasons: Reason[] = [];
      if (result.value.instructionsInDocument) assistReasons.push(modelSawInstructions());
      const merged = mergeModelFields(
        input.extraction,
        result.value.fields as Record<string, unknown>,
        flagged,
        fieldKindsOf(module.schema),
        module.valueRegions(page.ocr),
      );
      assistReasons.push(...merged.reasons);
      const kept = keepValidatedFills(module, input.extraction, merged, ruleReasons, context);
      return { extraction: kept.extraction, reasons: [...kept.reasons, ...assistReasons] };
    },

    /** `versions.prompt` and `versions.model`: 'none' unless the model was consulted. */
    versions(): { prompt: string; model: string } {
      if (!assist || consulted.length === 0) return { prompt: 'none', model: 'none' };
      return { prompt: consulted.join(','), model: assist.client.model };
    },

    usage(): LlmUsage & { elapsedMs: number } {
      return { ...usage, elapsedMs: Math.round(elapsedMs) };
    },
  };
}

export type AssistSession = ReturnType<typeof createAssistSession>;

/**
 * Model values fill nulls and replace flagged rule values, and only when grounded where the document
 * prints that field (`regions`, from the type's module); a rule value that validated is never
 * touched. Ungrounded values are dropped and recorded.
 */
export function mergeModelFields(
  extraction: Extraction,
  modelFields: Record<string, unknown>,
  flagged: ReadonlySet<string>,
  kinds: Record<string, string>,
  regions: ValueRegions,
): { extraction: Extraction; reasons: Reason[]; filled: string[] } {
  const fields = { ...extraction.fields };
  const evidence: Record<string, FieldEvidence> = { ...extraction.evidence };
  const reasons: Reason[] = [];
  const filled: string[] = [];
  for (const [field, kind] of Object.entries(kinds)) {
    const value = modelFields[field];
    if (value === null || value === undefined || kind === 'ignored') continue;
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const ruleValue = extraction.fields[field] ?? null;
    if (ruleValue === value) continue;
    if (ruleValue !== null && !flagged.has(field)) continue;
    const grounding = groundValue(value, kind as Parameters<typeof groundValue>[1], regions[field] ?? []);
    if (!grounding) {
      reasons.push(
        reason(
          'LLM_UNGROUNDED_VALUE',
          'info',
          `The model's value for ${field} is not printed where the document prints it; it was discarded.`,
          { field },
        ),
      );
      continue;
    }
    fields[field] = value;
    evidence[field] = {
      text: grounding.text,
      box: grounding.box,
      // Matching through digit look-alikes is weaker evidence than an exact match.
      confidence: round(grounding.folded ? grounding.confidence * 0.9 : grounding.confidence),
      source: 'llm',
    };
    filled.push(field);
  }
  return { extraction: { fields, evidence }, reasons, filled };
}

/** Codes that reject whatever their severity (decide.ts): a model value must never cause one. */
const REJECTING: ReadonlySet<ReasonCode> = new Set([
  'DUPLICATE_ACROSS_SUBJECTS',
  'APPLICANT_NAME_MISMATCH',
  'APPLICANT_ID_MISMATCH',
]);
const rejects = (r: Reason) => r.severity === 'hard' || REJECTING.has(r.code);
const reasonKey = (r: Reason) => `${r.code}:${r.field ?? ''}`;

/**
 * Validates the merged extraction. A model value that brings a rejecting reason the rules'
 * reading did not have is discarded (the rules' reading of that field stands): a value only the
 * model read is not evidence enough to reject a document, nor to hide why the rules doubted it.
 * When a new rejecting reason names no filled field, every model value is discarded.
 */
function keepValidatedFills(
  module: DocumentModule,
  rules: Extraction,
  merged: { extraction: Extraction; filled: string[] },
  ruleReasons: Reason[],
  context: ValidationContext,
): { extraction: Extraction; reasons: Reason[] } {
  if (merged.filled.length === 0) return { extraction: rules, reasons: ruleReasons };
  const before = new Set(ruleReasons.filter(rejects).map(reasonKey));
  const newRejections = (reasons: Reason[]) => reasons.filter((r) => rejects(r) && !before.has(reasonKey(r)));
  let extraction = merged.extraction;
  let reasons = module.validate(extraction, context);
  const fresh = newRejections(reasons);
  if (fresh.length === 0) return { extraction, reasons };

  const blamed = new Set(
    fresh.map((r) => r.field).filter((f): f is string => !!f && merged.filled.includes(f)),
  );
  const discarded = blamed.size > 0 ? [...blamed] : merged.filled;
  extraction = revert(extraction, rules, discarded);
  reasons = module.validate(extraction, context);
  if (newRejections(reasons).length > 0) {
    discarded.splice(0, discarded.length, ...merged.filled);
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

function failureReason(failure: 'unavailable' | 'invalid_output', detail: string): Reason {
  return failure === 'invalid_output'
    ? reason(
        'LLM_INVALID_OUTPUT',
        'info',
        `The model's reply was not usable (${detail}); the rules' reading stands.`,
      )
    : reason(
        'LLM_UNAVAILABLE',
        'info',
        `The model was not available (${detail}); the rules' reading stands.`,
      );
}

function modelSawInstructions(): Reason {
  return reason(
    'INSTRUCTION_IN_DOCUMENT',
    'soft',
    'the model found text addressing the system in the document',
    {
      messageZh: '文件中含有试图指示系统的文字',
    },
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const round = (value: number) => Math.round(value * 1000) / 1000;
