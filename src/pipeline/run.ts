import { createAssistSession } from '../llm/assist.js';
import { createOcrPool, type OcrPool } from '../ocr/pool.js';
import { choosePage, NOTHING_READ } from './classification.js';
import { judge } from './judge.js';
import type { Pipeline, PipelineDeps, PipelineInput, PipelineOutcome } from './pipeline.types.js';
import { readDocument } from './read-document.js';
import { rereadPage } from './reread/index.js';
import { createStageTimings } from './stage-timings.js';

/**
 * The document pipeline, top to bottom: read (preprocess → quality gate → OCR, or the PDF text
 * layer) → reread (the chosen page, where OCR was unsure) → judge (classify → extract → validate →
 * assist → duplicates → contract → decide, judge.ts). Every stage's time goes to
 * `docverify_pipeline_stage_seconds` and every verdict to `docverify_verdicts_total`.
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

  async function process(input: PipelineInput): Promise<PipelineOutcome> {
    const started = performance.now();
    const timings = createStageTimings();
    const read = await readDocument(input.bytes, input.mime, {
      ocr: await ocr(),
      pdf: deps.pdf,
      maxInputPixels: config.upload.maxPixels,
    });
    timings.add('preprocess', read.timingsMs.preprocess);
    // A PDF's text layer and a photo the quality gate refused were never given to OCR.
    if (read.timingsMs.ocr > 0) timings.add('ocr', read.timingsMs.ocr);

    let chosen = { page: null as (typeof read.pages)[number] | null, classification: NOTHING_READ };
    if (!read.qualityReasons.length) {
      chosen = timings.time('classify', () => choosePage(read.pages, input.documentTypeHint));
    }
    const { page } = chosen;
    const reread = page ? await timings.time('reread', async () => rereadPage(page, await ocr())) : null;

    // The LLM assist of this verification (rules alone when LLM_MODE=off): see docs/adr/0002-llm-assist.md.
    const assist = createAssistSession(deps.llm);
    const { outcome } = await judge(
      {
        verificationId: input.verificationId,
        subjectId: input.subjectId,
        sha256: input.sha256,
        applicant: input.applicant,
        documentTypeHint: input.documentTypeHint,
        qualityReasons: read.qualityReasons,
        editingSoftware: read.editingSoftware,
        page: reread,
        ruledClassification: chosen.classification,
      },
      { clock: deps.clock, assist, seenBefore: deps.seenBefore, ocrEngine: config.ocr.engine, timings },
    );

    const total = performance.now() - started;
    const stages = timings.entries();
    for (const [stage, ms] of stages) deps.metrics.stageDuration.observe({ stage }, ms / 1000);
    deps.metrics.verdicts.inc({ document_type: outcome.documentType, verdict: outcome.verdict });
    return {
      ...outcome,
      timingsMs: {
        preprocess: Math.round(read.timingsMs.preprocess),
        ocr: Math.round(read.timingsMs.ocr),
        // Everything after OCR (the key predates the per-stage ones below).
        extract: Math.round(total - read.timingsMs.preprocess - read.timingsMs.ocr),
        total: Math.round(total),
        ...(deps.llm ? { llm: assist.usage().elapsedMs } : {}),
        ...Object.fromEntries(stages.map(([stage, ms]) => [`stage.${stage}`, Math.round(ms * 10) / 10])),
      },
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
