import { type Classification, classifyDocument } from '../documents/classify.js';
import type { DocumentModule } from '../documents/document-module.js';
import type { Extraction, FieldEvidence, Fields } from '../documents/document-types.js';
import { documentModuleFor } from '../documents/registry.js';
import { createAssistSession } from '../llm/assist.js';
import { createOcrPool, type OcrPool } from '../ocr/pool.js';
import { findInstructionText, instructionReasons } from '../text/instructions.js';
import { decideVerdict } from '../verdicts/decide.js';
import { type Reason, reason } from '../verdicts/reasons.js';
import type { VerificationOutcome } from '../verifications/verifications.models.js';
import { documentKey, duplicateReasons } from './duplicates.js';
import type { Pipeline, PipelineDeps, PipelineInput } from './pipeline.types.js';
import { boxOnOriginal, fingerprint, type ReadPage, readDocument } from './read-document.js';
import { rereadPage } from './reread.js';

/** Bumped whenever a stage changes what it decides; stored with every verdict. */
export const PIPELINE_VERSION = '1.0.0';

/**
 * The document pipeline, top to bottom:
 * read (preprocess → quality gate → OCR, or the PDF text layer) → classify → extract →
 * validate (rules, applicant, duplicates, tampering, instructions) → verdict.
 */
export function createDocumentPipeline(deps: PipelineDeps): Pipeline {
  const { config } = deps;
  // The OCR workers load their models once, on first use, and serve every job after.
  let pool: Promise<OcrPool> | null = null;
  const ocr = () => {
    pool ??= createOcrPool({
      engine: config.ocr.engine,
      size: config.ocr.poolSize,
      timeoutMs: config.ocr.timeoutMs,
    });
    return pool;
  };

  async function process(input: PipelineInput): Promise<VerificationOutcome> {
    const started = performance.now();
    const read = await readDocument(input.bytes, input.mime, {
      ocr: await ocr(),
      pdf: deps.pdf,
      maxInputPixels: config.upload.maxPixels,
    });
    // The LLM assist of this verification (rules alone when LLM_MODE=off): see docs/adr/0002-llm-assist.md.
    const assist = createAssistSession(deps.llm);
    const versions = {
      pipeline: PIPELINE_VERSION,
      schema: 'none',
      prompt: 'none',
      model: 'none',
      ocr: config.ocr.engine,
    };
    const timings = () => ({
      preprocess: Math.round(read.timingsMs.preprocess),
      ocr: Math.round(read.timingsMs.ocr),
      extract: Math.round(performance.now() - started - read.timingsMs.preprocess - read.timingsMs.ocr),
      total: Math.round(performance.now() - started),
      ...(deps.llm ? { llm: assist.usage().elapsedMs } : {}),
    });

    if (read.qualityReasons.length) {
      return {
        documentType: 'unknown',
        fields: {},
        evidence: {},
        ...decideVerdict({
          qualityReasons: read.qualityReasons,
          classification: { type: 'unknown', confidence: 0 },
          reasons: [],
          fieldConfidences: [],
        }),
        reasons: read.qualityReasons,
        versions,
        timingsMs: timings(),
        perceptualHash: null,
        documentKey: null,
      };
    }

    const chosen = bestPage(read.pages, input);
    const ruledClassification = chosen.classification;
    const page = chosen.page ? await rereadPage(chosen.page, await ocr()) : null;
    const reasons: Reason[] = [];
    if (page) reasons.push(...instructionReasons(findInstructionText(page.ocr)));
    // Model-assisted classification: may place a page the rules could not (never as verified) or add doubt.
    const classified = await assist.classify(page, ruledClassification);
    const classification = classified.classification;
    reasons.push(...classified.reasons);
    Object.assign(versions, assist.versions());
    if (read.editingSoftware) {
      reasons.push(
        reason(
          'TAMPER_SUSPECTED',
          'soft',
          `The file was saved by editing software (${read.editingSoftware}).`,
          {
            messageZh: '文件经过图片编辑软件处理。',
          },
        ),
      );
    }
    const perceptualHash = page ? await fingerprint(page) : null;

    if (page?.prepared && classification.type === 'unknown' && looksSupported(ruledClassification)) {
      const unreadable = [
        reason(
          'DOCUMENT_UNREADABLE',
          'retake',
          'The document was recognised but its text could not be read: retake it closer, steady and without glare.',
          { messageZh: '已识别证件类型，但无法读取内容：请靠近、保持稳定并避免反光后重拍。' },
        ),
      ];
      return {
        documentType: 'unknown',
        fields: {},
        evidence: {},
        ...decideVerdict({ qualityReasons: unreadable, classification, reasons, fieldConfidences: [] }),
        reasons: [...unreadable, ...reasons],
        versions,
        timingsMs: timings(),
        perceptualHash,
        documentKey: null,
      };
    }

    if (!page || classification.type === 'unknown') {
      reasons.unshift(
        reason(
          'UNSUPPORTED_DOCUMENT',
          'hard',
          'This is not a CET score report, graduation or degree certificate, or CHSI record.',
          {
            messageZh: '不支持的文件类型：请上传四六级成绩报告单、毕业证书、学位证书或学信网备案表。',
          },
        ),
      );
      return {
        documentType: 'unknown',
        fields: {},
        evidence: {},
        ...decideVerdict({ qualityReasons: [], classification, reasons, fieldConfidences: [] }),
        reasons,
        versions,
        timingsMs: timings(),
        perceptualHash,
        documentKey: null,
      };
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
    // Extract with the rules, then the LLM assist stage (fills or fixes fields only with values grounded
    // in the OCR text), then the type's validators on the result.
    const assisted = await assist.extract({
      module,
      page,
      extraction: module.extract(page.ocr),
      context: { now: deps.clock.now(), applicant: input.applicant },
      classification,
    });
    const extraction = mapEvidence(assisted.extraction, page);
    reasons.push(...assisted.reasons);
    Object.assign(versions, assist.versions());
    const key = documentKey(module.type, extraction.fields);
    reasons.push(
      ...(await duplicateReasons(deps.verifications, {
        verificationId: input.verificationId,
        subjectId: input.subjectId,
        fileSha256: input.sha256,
        documentKey: key,
        perceptualHash,
      })),
    );

    const fields = withinContract(module, extraction.fields, reasons);
    const decision = decideVerdict({
      qualityReasons: [],
      classification,
      reasons,
      fieldConfidences: scoredConfidences(module, extraction),
    });
    deps.metrics.verdicts.inc({ document_type: module.type, verdict: decision.verdict });
    return {
      documentType: module.type,
      fields,
      evidence: extraction.evidence,
      ...decision,
      reasons,
      versions,
      timingsMs: timings(),
      perceptualHash,
      documentKey: key,
    };
  }

  return {
    process,
    async close() {
      // biome-ignore lint/nursery/noMisusedPromises: null until the first document started the pool.
      if (pool) await (await pool).close();
    },
  };
}

/**
 * A photo whose title or labels belong to a supported type but whose text was too poor to
 * classify is a photo to retake, not an unsupported document. Measured on the fixture OCR:
 * unsupported documents (receipts, menus, ID cards, transcripts, blank pages) score at most 0.20
 * for any type; unreadable photos of supported documents (glare, motion blur) score 0.40.
 */
const UNREADABLE_SUPPORTED_SCORE = 0.3;

function looksSupported(classification: Classification): boolean {
  return Object.values(classification.scores).some((score) => score >= UNREADABLE_SUPPORTED_SCORE);
}

/**
 * The result carries only values in the contract's formats: a value the validators have judged
 * (e.g. a printed total of 755, SCORE_OUT_OF_RANGE) is reported as null, and stays visible as read
 * in its evidence. A blanked field no reason speaks of gets FIELD_FORMAT_INVALID.
 */
function withinContract(module: DocumentModule, fields: Fields, reasons: Reason[]): Fields {
  const shape = module.schema.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
  const result: Fields = {};
  for (const [name, value] of Object.entries(fields)) {
    const valid = value === null || !shape[name] || shape[name].safeParse(value).success;
    result[name] = valid ? value : null;
    if (!valid && !reasons.some((r) => r.field === name && r.severity !== 'info')) {
      reasons.push(
        reason('FIELD_FORMAT_INVALID', 'soft', `${name} as read is not a valid value`, { field: name }),
      );
    }
  }
  return result;
}

/** Multi-page PDFs: the page that most looks like a supported document. */
function bestPage(
  pages: ReadPage[],
  input: PipelineInput,
): { page: ReadPage | null; classification: Classification } {
  const ranked = pages.map((page) => ({ page, classification: classifyDocument(page.ocr) }));
  const hinted = ranked.find(
    (r) => input.documentTypeHint && r.classification.type === input.documentTypeHint,
  );
  const strength = (r: { classification: Classification }) =>
    r.classification.type === 'unknown' ? -1 : r.classification.confidence;
  const [first, ...rest] = ranked;
  if (!first)
    return {
      page: null,
      classification: { type: 'unknown', confidence: 1, scores: {} as Classification['scores'] },
    };
  return hinted ?? rest.reduce((best, r) => (strength(r) > strength(best) ? r : best), first);
}

function mapEvidence(extraction: Extraction, page: ReadPage): Extraction {
  const evidence: Record<string, FieldEvidence> = {};
  for (const [field, item] of Object.entries(extraction.evidence)) {
    evidence[field] = { ...item, box: boxOnOriginal(page, item.box) };
  }
  return { fields: extraction.fields, evidence };
}

function scoredConfidences(module: DocumentModule, extraction: Extraction): number[] {
  return module.scoredFields.flatMap((field) => {
    const item = extraction.evidence[field];
    return item && extraction.fields[field] !== null ? [item.confidence] : [];
  });
}
