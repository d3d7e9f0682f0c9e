import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { z } from 'zod';
import { documentTypeHintSchema } from './documents/registry.js';
import { ProblemError } from './http/problems.js';
import type { Services } from './services.js';
import { SUBJECT_ID_PATTERN } from './subjects/subjects.models.js';
import { toResult } from './verifications/verifications.models.js';
import { submitVerification, waitForVerification } from './verifications/verifications.submit.usecases.js';

/** The contract's batch manifest line (docs/contract.md, "Batch manifest"). */
const ManifestLine = z.looseObject({
  file: z.string().min(1),
  subjectId: z.string().regex(SUBJECT_ID_PATTERN),
  applicant: z.object({ name: z.string().nullish(), idNumber: z.string().nullish() }).nullish(),
  documentTypeHint: documentTypeHintSchema().nullish(),
});

const BATCH_CLIENT = 'cli-batch';

/**
 * Runs every manifest line through the same intake, job and pipeline as the API, one at a time
 * and in order, so a document seen earlier for another subject is caught as a duplicate. The
 * batch is one client: its subjects are its own, a line's complete `applicant` registers the
 * subject's identity as an upload's does, and a line with none (or a name alone) for a subject
 * without one is never verified (docs/contract.md, "Batch manifest").
 * Returns how many lines could not be processed (each still gets an output line).
 */
export async function runBatch(
  services: Services,
  manifestPath: string,
  io: { write: (line: string) => void; progress: (text: string) => void },
): Promise<number> {
  const baseDir = path.dirname(manifestPath);
  const { config } = services;
  // The queue starts before the manifest is opened: readline emits lines as soon as the stream
  // flows, and lines (and the end) emitted while an await held up the `for await` below are lost,
  // which left the loop waiting for ever where starting takes a while (pg-boss on PostgreSQL).
  await services.queue.start();
  const lines = readline.createInterface({
    input: fs.createReadStream(manifestPath, 'utf8'),
    crlfDelay: Infinity,
  });
  let index = 0;
  let failures = 0;
  const started = Date.now();
  for await (const text of lines) {
    if (!text.trim()) continue;
    index += 1;
    const parsed = ManifestLine.safeParse(safeJson(text));
    if (!parsed.success) {
      failures += 1;
      io.write(JSON.stringify({ line: index, status: 'failed', error: { code: 'MANIFEST_LINE_INVALID' } }));
      continue;
    }
    const entry = parsed.data;
    const file = entry.file;
    try {
      const bytes = fs.readFileSync(path.resolve(baseDir, file));
      const applicant = entry.applicant
        ? { name: entry.applicant.name ?? null, idNumber: entry.applicant.idNumber?.toUpperCase() ?? null }
        : null;
      const { verification } = await submitVerification(
        {
          ...services,
          limits: config.upload,
          admission: config.admission,
          maxAttempts: config.jobs.maxAttempts,
        },
        {
          clientKeyId: BATCH_CLIENT,
          subjectId: entry.subjectId,
          file: bytes,
          applicant,
          documentTypeHint: entry.documentTypeHint ?? null,
          idempotencyKey: null,
        },
      );
      const done = await waitForVerification(services, verification.id, 10 * 60 * 1000);
      const result = toResult(done ?? verification);
      if (result.status !== 'completed') failures += 1;
      io.write(JSON.stringify({ ...result, file }));
      io.progress(
        `[${index}] ${file}: ${result.documentType ?? '-'} ${result.verdict ?? result.status} (${result.timingsMs?.total ?? '-'} ms)`,
      );
    } catch (error) {
      failures += 1;
      const code = error instanceof ProblemError ? error.code : 'PROCESSING_FAILED';
      io.write(JSON.stringify({ file, subjectId: entry.subjectId, status: 'failed', error: { code } }));
      io.progress(`[${index}] ${file}: failed (${code})`);
    }
  }
  io.progress(`${index} documents in ${((Date.now() - started) / 1000).toFixed(1)} s, ${failures} failed`);
  return failures;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
