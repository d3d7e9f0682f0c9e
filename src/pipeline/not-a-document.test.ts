import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photographDocument, renderDocument } from '../../test/support/images.js';
import { loadConfig } from '../config.js';
import { createPdfReader } from '../imaging/pdf-reader.js';
import { renderLandscape } from '../imaging/scenes.test-support.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { systemClock } from '../platform/clock.js';
import type { Pipeline, PipelineInput, SeenBefore } from './pipeline.types.js';
import { createDocumentPipeline } from './run.js';

/** The whole pipeline, real OCR: a photo with no document in it is refused, not sent back for a retake. */
const nothingSeen: SeenBefore = { findCopies: async () => [], listPerceptualHashes: async () => [] };
const pdf = createPdfReader({
  maxPages: 1,
  maxPixels: 40e6,
  maxOperatorsPerPage: 100_000,
  readTimeoutMs: 30_000,
  inspectTimeoutMs: 500,
  memoryMb: 256,
});
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = createDocumentPipeline({
    config: loadConfig({ LOG_LEVEL: 'silent', OCR_POOL_SIZE: '1' }),
    logger: createLogger({ level: 'silent' }),
    clock: systemClock,
    seenBefore: nothingSeen,
    metrics: createMetrics({ jobCounts: async () => ({}) }),
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
  mime: 'image/jpeg',
  sha256: String(n).padStart(64, '0'),
  applicant: null,
  documentTypeHint: null,
});

describe('a photo with no document in it', () => {
  it('is refused as unsupported, not asked for a retake', async () => {
    const result = await pipeline.process(input(await renderLandscape()));
    expect(result).toMatchObject({ documentType: 'unknown', verdict: 'rejected' });
    expect(result.reasons.map((r) => r.code)).toContain('UNSUPPORTED_DOCUMENT');
  }, 120_000);

  it('while a blurred photo of a document is still a retake', async () => {
    const photo = await photographDocument(await renderDocument({ width: 1400 }), {
      frameWidth: 1500,
      frameHeight: 2000,
      blurSigma: 6,
    });
    const result = await pipeline.process(input(photo.image));
    expect(result).toMatchObject({ documentType: 'unknown', verdict: 'needs_retake' });
    expect(result.reasons.map((r) => r.code)).toEqual(['IMAGE_BLURRY']);
  }, 120_000);
});
