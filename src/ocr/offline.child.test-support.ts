// Child process of offline.test.ts (network blocked by offline.block-network.test-support.mjs).
import { renderScoreReport } from '../../test/support/images.js';
import { createOcrPool } from './pool.js';

const page = await renderScoreReport();
const report: Record<string, unknown> = {
  networkBlocked: (globalThis as { __networkBlocked?: boolean }).__networkBlocked === true,
};
for (const engine of ['ppocr', 'tesseract'] as const) {
  const pool = await createOcrPool({ engine, size: 1 });
  try {
    report[engine] = (await pool.recognizePage(page)).ocr.text.replace(/\s+/g, '');
  } finally {
    await pool.close();
  }
}
process.stdout.write(`${JSON.stringify(report)}\n`);
