import { createHash } from 'node:crypto';
import type { Classification } from '../documents/classify.js';
import type { DocumentModule } from '../documents/document-module.js';
import type { Extraction, FieldEvidence, SupportedDocumentType } from '../documents/document-types.js';
import { LOW_FIELD_CONFIDENCE } from '../documents/field-checks.js';
import type { OcrPage } from '../documents/ocr-page.js';
import type { ValueRegions } from '../documents/value-regions.js';
import type { OcrResult } from '../ocr/ocr.types.js';
import { MIN_VERIFIED_CLASSIFICATION_CONFIDENCE } from '../verdicts/decide.js';
import { MODEL_REPLACEABLE_CODES, type Reason, reason } from '../verdicts/reasons.js';
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

/** What the model's extraction proposes: the reading with its values in, and the fields they went to. */
export interface ModelFills {
  extraction: Extraction;
  filled: string[];
}

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
     * Extraction assist. The model is consulted (in assist mode) only when a scored field is
     * missing, read with low confidence or flagged by a validator (`ruleReasons`, the validate
     * stage's judgement of the rules' reading). Its values are proposed only when found in the OCR
     * text (grounded), and only for fields the rules left null or read wrongly; the validate stage
     * then decides which of them stand (pipeline/validate.ts). Returns the proposal (null when the
     * model was not asked or did not answer) and the assist's own reasons.
     */
    async extract(input: {
      module: DocumentModule;
      page: AssistPage;
      /** The page as built once for the rules: the model's values are grounded on its value regions. */
      ocrPage: OcrPage;
      extraction: Extraction;
      ruleReasons: readonly Reason[];
      classification: Classification;
    }): Promise<{ fills: ModelFills | null; reasons: Reason[] }> {
      const { module, page } = input;
      if (!assist) return { fills: null, reasons: [] };

      const flagged = new Set(
        input.ruleReasons
          .filter((r) => r.field && MODEL_REPLACEABLE_CODES.has(r.code))
          .map((r) => r.field as string),
      );
      const uncertain =
        flagged.size > 0 ||
        module.scoredFields.some((f) => input.extraction.fields[f] === null) ||
        module.scoredFields.some(
          (f) => (input.extraction.evidence[f]?.confidence ?? 1) < LOW_FIELD_CONFIDENCE,
        ) ||
        input.classification.confidence < MIN_VERIFIED_CLASSIFICATION_CONFIDENCE;
      if (assist.client.mode === 'assist' && !uncertain) return { fills: null, reasons: [] };

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
      if (!result.ok) return { fills: null, reasons: [failureReason(result.failure, result.detail)] };

      const reasons: Reason[] = [];
      if (result.value.instructionsInDocument) reasons.push(modelSawInstructions());
      const merged = mergeModelFields(
        input.extraction,
        result.value.fields as Record<string, unknown>,
        flagged,
        fieldKindsOf(module.schema),
        module.valueRegions(input.ocrPage),
      );
      reasons.push(...merged.reasons);
      return { fills: { extraction: merged.extraction, filled: merged.filled }, reasons };
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
