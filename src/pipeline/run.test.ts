import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPng, renderDocument } from '../../test/support/images.js';
import { loadConfig } from '../config.js';
import { createPdfReader } from '../imaging/pdf-reader.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { systemClock } from '../platform/clock.js';
import type { Pipeline, PipelineInput, SeenBefore } from './pipeline.types.js';
import { createDocumentPipeline } from './run.js';
import { STAGES } from './stage-timings.js';

/** Real OCR on three generated images: one refused by the quality gate, one unsupported, one CET report. */
const nothingSeen: SeenBefore = { findCopies: async () => [], listPerceptualHashes: async () => [] };
const pdf = createPdfReader({
  maxPages: 1,
  maxPixels: 40e6,
  maxOperatorsPerPage: 100_000,
  readTimeoutMs: 30_000,
  inspectTimeoutMs: 500,
  memoryMb: 256,
});
let metrics: Metrics;
let pipeline: Pipeline;
beforeAll(() => {
  metrics = createMetrics({ jobCounts: async () => ({}) });
  pipeline = createDocumentPipeline({
    config: loadConfig({ LOG_LEVEL: 'silent', OCR_POOL_SIZE: '1' }),
    logger: createLogger({ level: 'silent' }),
    clock: systemClock,
    seenBefore: nothingSeen,
    metrics,
    pdf,
  });
});
afterAll(async () => {
  await pipeline.close();
  await pdf.close();
});

let n = 0;
const input = (bytes: Buffer): PipelineInput => ({
  verificationId: `v-${++n}`,
  subjectId: 'u-1',
  bytes,
  mime: 'image/png',
  sha256: String(n).padStart(64, '0'),
  applicant: null,
  documentTypeHint: null,
});
const scrape = async (name: string) => (await metrics.registry.getSingleMetricAsString(name)).split('\n');

describe('the pipeline observes what it did', () => {
  it('counts every verdict, unsupported and retake outcomes too', async () => {
    const tiny = await sharp(await makeTextPng())
      .resize(160)
      .png()
      .toBuffer();
    const retake = await pipeline.process(input(tiny));
    expect(retake).toMatchObject({ documentType: 'unknown', verdict: 'needs_retake' });
    const unsupported = await pipeline.process(input(await makeTextPng()));
    expect(unsupported).toMatchObject({ documentType: 'unknown', verdict: 'rejected' });
    expect(unsupported.reasons[0]?.code).toBe('UNSUPPORTED_DOCUMENT');

    const verdicts = await scrape('docverify_verdicts_total');
    expect(verdicts).toContain('docverify_verdicts_total{document_type="unknown",verdict="needs_retake"} 1');
    expect(verdicts).toContain('docverify_verdicts_total{document_type="unknown",verdict="rejected"} 1');
  });

  it('times every stage into the stage histogram and the outcome', async () => {
    const report = await pipeline.process(input(await renderDocument({ width: 1400 })));
    expect(report.documentType).toBe('cet_score_report');

    const histogram = await scrape('docverify_pipeline_stage_seconds');
    for (const stage of STAGES) {
      const count = histogram.find((line) =>
        line.startsWith(`docverify_pipeline_stage_seconds_count{stage="${stage}"}`),
      );
      expect(count, stage).toMatch(/ [1-9]\d*$/);
      expect(report.timingsMs[`stage.${stage}`], stage).toBeGreaterThanOrEqual(0);
    }
    // The keys the outcome always had, with the meaning they had.
    expect(Object.keys(report.timingsMs).slice(0, 4)).toEqual(['preprocess', 'ocr', 'extract', 'total']);
    const verdicts = await scrape('docverify_verdicts_total');
    expect(verdicts).toContain(
      `docverify_verdicts_total{document_type="cet_score_report",verdict="${report.verdict}"} 1`,
    );
  });
});
