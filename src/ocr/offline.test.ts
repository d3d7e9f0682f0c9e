import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * Runs both engines through the pool in a child process whose main thread and worker threads refuse every
 * non-loopback connection (sockets, DNS, fetch; worker threads started from files inherit the --import
 * preload, checked by hand): OCR must still work, so models and language data come from
 * the npm packages on disk.
 */
test('OCR works with the network blocked: models load from node_modules', async () => {
  const { stdout, stderr } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      here('./offline.block-network.test-support.mjs'),
      here('./offline.child.test-support.ts'),
    ],
    { cwd: fileURLToPath(new URL('../..', import.meta.url)), timeout: 110_000, maxBuffer: 1 << 24 },
  );
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  expect(report.networkBlocked).toBe(true);
  expect(report.ppocr).toContain('420151182100123');
  expect(report.tesseract).toContain('420151182100123');
  expect(stderr).not.toContain('BLOCKED NETWORK');
});
