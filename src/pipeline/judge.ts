import type { Classification } from '../documents/classify.js';
import type { Extraction, FieldEvidence } from '../documents/document-types.js';
import { buildOcrPage } from '../documents/ocr-page.js';
import { documentModuleFor } from '../documents/registry.js';
import { unsupportedDocumentReason } from '../documents/unsupported-document.js';
import type { ImageTransform } from '../imaging/image-transform.js';
import type { PreparedImage } from '../imaging/preprocess.js';
import type { AssistSession } from '../llm/assist.js';
import type { OcrResult } from '../ocr/ocr.types.js';
import type { Clock } from '../platform/clock.js';
import { findInstructionText, instructionReasons } from '../text/instructions.js';
import { findSpecimenMarks, specimenReasons } from '../text/specimen-marks.js';
import { type Decision, decideVerdict } from '../verdicts/decide.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import { looksSupported } from './classification.js';
import { withinContract } from './contract.js';
import { decide, scoredConfidences } from './decision.js';
import { documentKey, duplicateReasons } from './duplicates.js';
import type { PipelineInput, PipelineOutcome, SeenBefore } from './pipeline.types.js';
import { boxOnOriginal, fingerprint } from './read-document.js';
import { createStageTimings, type StageTimings } from './stage-timings.js';
import { validate, validateModelFills } from './validate.js';

/** Bumped whenever a stage changes what it decides; stored with every verdict. */
export const PIPELINE_VERSION = '1.0.0';

/** A page as judge reads it: text with positions, and how to map them back to the upload. */
export interface JudgedPage {
  ocr: OcrResult;
  /** Maps OCR boxes to the original upload; null for a PDF text layer (boxes are already page boxes). */
  transform: ImageTransform | null;
  /**
   * The photo OCR read (the model's image, the duplicate fingerprint; a photo too poor to classify
   * is retaken); null for a PDF text layer.
   */
  prepared: Pick<PreparedImage, 'ocrImage' | 'paperBox'> | null;
}

/** What was read of one upload, and what the client said about it. */
export interface JudgeInput extends Omit<PipelineInput, 'bytes' | 'mime'> {
  /** Retake reasons from the quality gate: when present nothing was read, and they decide. */
  qualityReasons: Reason[];
  /** Editing software named in the file's metadata (a tamper signal). */
  editingSoftware: string | null;
  /** The page the rules chose, read again where OCR was unsure; null when no page was read. */
  page: JudgedPage | null;
  /** The rules' classification of that page as first read (the page was chosen by it). */
  ruledClassification: Classification;
}

export interface JudgeContext {
  clock: Clock;
  /** This verification's use of the model (the rules alone when LLM_MODE=off). */
  assist: AssistSession;
  seenBefore: SeenBefore;
  /** `versions.ocr`: the engine that read the page. */
  ocrEngine: string;
  /** Where the stages' times go; run.ts passes the ones it started with the read. */
  timings?: StageTimings;
}

export interface Judgement {
  outcome: Omit<PipelineOutcome, 'timingsMs'>;
  /** The classification the verdict was decided on. */
  classification: Classification;
  /** The scored fields' confidences the verdict was decided on. */
  fieldConfidences: number[];
}

const NOT_CLASSIFIED: Classification = {
  type: 'unknown',
  confidence: 0,
  scores: {} as Classification['scores'],
};

/**
 * A read page to a decided outcome, stage by stage: classify (the rules' type, the model's opinion
 * of it, what the page says of itself) → extract (the type's rules) → validate → assist (the model
 * fills what validation doubted; may be off) → validate (the model's values) → duplicates →
 * contract → decide. run.ts and scripts/ocr-dump.ts both call it: the decision is written once.
 */
export async function judge(input: JudgeInput, context: JudgeContext): Promise<Judgement> {
  const timings = context.timings ?? createStageTimings();
  const { assist, seenBefore } = context;
  const versions = {
    pipeline: PIPELINE_VERSION,
    schema: 'none',
    prompt: 'none',
    model: 'none',
    ocr: context.ocrEngine,
  };
  const notDocument = (
    decision: Decision,
    reasons: Reason[],
    classification: Classification,
    perceptualHash: string | null,
  ): Judgement => ({
    outcome: {
      documentType: 'unknown',
      fields: {},
      evidence: {},
      ...decision,
      reasons,
      versions,
      perceptualHash,
      documentKey: null,
    },
    classification,
    fieldConfidences: [],
  });

  if (input.qualityReasons.length) {
    const decision = timings.time('decide', () =>
      decideVerdict({
        qualityReasons: input.qualityReasons,
        classification: NOT_CLASSIFIED,
        reasons: [],
        fieldConfidences: [],
      }),
    );
    return notDocument(decision, input.qualityReasons, NOT_CLASSIFIED, null);
  }

  // classify
  const { page } = input;
  const reasons: Reason[] = [];
  if (page)
    timings.time('classify', () =>
      reasons.push(
        ...instructionReasons(findInstructionText(page.ocr)),
        ...specimenReasons(findSpecimenMarks(page.ocr)),
      ),
    );
  // The model may place a page the rules could not (never as verified) or add doubt.
  const classified = await timings.time('assist', () => assist.classify(page, input.ruledClassification));
  const classification = classified.classification;
  reasons.push(...classified.reasons);
  Object.assign(versions, assist.versions());
  if (input.editingSoftware) reasons.push(tamperReason(input.editingSoftware));
  const perceptualHash = page ? await timings.time('duplicates', () => fingerprint(page)) : null;

  if (page?.prepared && classification.type === 'unknown' && looksSupported(input.ruledClassification)) {
    const unreadable = [unreadableReason()];
    const decision = timings.time('decide', () =>
      decideVerdict({ qualityReasons: unreadable, classification, reasons, fieldConfidences: [] }),
    );
    return notDocument(decision, [...unreadable, ...reasons], classification, perceptualHash);
  }
  if (!page || classification.type === 'unknown') {
    reasons.unshift(unsupportedDocumentReason());
    const decision = timings.time('decide', () => decide(classification, reasons, []));
    return notDocument(decision, reasons, classification, perceptualHash);
  }

  const module = documentModuleFor(classification.type);
  versions.schema = `${module.type}@${module.schemaVersion}`;
  if (input.documentTypeHint && input.documentTypeHint !== module.type) {
    reasons.push(
      reason(
        'DOCUMENT_TYPE_HINT_MISMATCH',
        'info',
        `The upload was labelled ${input.documentTypeHint} but reads as ${module.type}.`,
      ),
    );
  }

  // extract → validate → assist → validate the model's values
  const ocrPage = buildOcrPage(page.ocr);
  const rules = timings.time('extract', () => module.extract(ocrPage));
  const validation = { now: context.clock.now(), applicant: input.applicant };
  const ruleReasons = timings.time('validate', () => validate(module, rules, validation));
  const assisted = await timings.time('assist', () =>
    assist.extract({ module, page, ocrPage, extraction: rules, ruleReasons, classification }),
  );
  const validated = timings.time('validate', () =>
    validateModelFills(module, rules, ruleReasons, assisted.fills, validation),
  );
  const extraction = mapEvidence(validated.extraction, page);
  reasons.push(...validated.reasons, ...assisted.reasons);
  Object.assign(versions, assist.versions());

  // duplicates
  const key = documentKey(module.type, extraction.fields);
  const duplicates = await timings.time('duplicates', () =>
    duplicateReasons(seenBefore, {
      verificationId: input.verificationId,
      subjectId: input.subjectId,
      fileSha256: input.sha256,
      documentKey: key,
      perceptualHash,
    }),
  );
  reasons.push(...duplicates);

  // contract → decide
  const fields = timings.time('validate', () => withinContract(module, extraction.fields, reasons));
  const fieldConfidences = scoredConfidences(module, extraction);
  const decision = timings.time('decide', () => decide(classification, reasons, fieldConfidences));
  return {
    outcome: {
      documentType: module.type,
      fields,
      evidence: extraction.evidence,
      ...decision,
      reasons,
      versions,
      perceptualHash,
      documentKey: key,
    },
    classification,
    fieldConfidences,
  };
}

function mapEvidence(extraction: Extraction, page: JudgedPage): Extraction {
  const evidence: Record<string, FieldEvidence> = {};
  for (const [field, item] of Object.entries(extraction.evidence)) {
    evidence[field] = { ...item, box: boxOnOriginal(page, item.box) };
  }
  return { fields: extraction.fields, evidence };
}

function tamperReason(software: string): Reason {
  return reason('TAMPER_SUSPECTED', 'soft', `The file was saved by editing software (${software}).`, {
    messageZh: '文件经过图片编辑软件处理。',
  });
}

function unreadableReason(): Reason {
  return reason(
    'DOCUMENT_UNREADABLE',
    'retake',
    'The document was recognised but its text could not be read: retake it closer, steady and without glare.',
    { messageZh: '已识别证件类型，但无法读取内容：请靠近、保持稳定并避免反光后重拍。' },
  );
}
