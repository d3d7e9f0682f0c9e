import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Clock } from '../platform/clock.js';
import type { VerificationsRepository } from '../verifications/verifications.repository.js';

/** A blob no verification references is a stray only after this long: an upload writes the blob before its row. */
export const STRAY_GRACE_MS = 60 * 60 * 1000;
const DAY_MS = 86_400_000;

export interface SweepDeps {
  verifications: VerificationsRepository;
  blobs: BlobStore;
  audit: AuditRepository;
  transaction: <T>(fn: () => Promise<T>) => Promise<T>;
  clock: Clock;
  retentionDays: number;
}

export interface SweepResult {
  expired: number;
  strays: number;
}

/**
 * One pass of the retention sweeper: originals of finished verifications older than the
 * retention lose their blob (the verdict stays), and blobs no verification references that are
 * older than an hour (a crash between the blob write and the row insert) are removed, as are
 * half-written uploads of that age (a crash during the write).
 */
export async function sweepBlobs(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - deps.retentionDays * DAY_MS);
  let expired = 0;
  while (true) {
    const batch = await deps.verifications.listExpiredBlobs(cutoff, 200);
    if (batch.length === 0) break;
    for (const item of batch) {
      await deps.transaction(async () => {
        await deps.verifications.clearBlob(item.id, now);
        await deps.audit.append({
          entityType: 'verification',
          entityId: item.id,
          subjectId: item.subjectId,
          action: 'verification.image_deleted',
          actor: SYSTEM_ACTOR,
          before: null,
          after: { reason: 'retention', retentionDays: deps.retentionDays },
        });
      });
      if (!(await deps.verifications.isBlobReferenced(item.blobKey))) await deps.blobs.delete(item.blobKey);
      expired++;
    }
  }
  const strayBefore = now.getTime() - STRAY_GRACE_MS;
  let strays = (await deps.blobs.removeStaleTemporaries?.(new Date(strayBefore))) ?? 0;
  for await (const blob of deps.blobs.list()) {
    if (blob.modifiedAt.getTime() >= strayBefore) continue;
    if (await deps.verifications.isBlobReferenced(blob.key)) continue;
    await deps.blobs.delete(blob.key);
    strays++;
  }
  return { expired, strays };
}

/** The periodic sweeper: `start` runs it every `intervalMs` on an unref'd timer that never holds the process open; `run` sweeps now. */
export function createSweeper(deps: SweepDeps & { logger: Logger; intervalMs: number }) {
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const run = () => {
    running ??= sweepBlobs(deps)
      .then((result) => {
        if (result.expired || result.strays) deps.logger.info(result, 'blob sweep');
      })
      .catch((error: unknown) => deps.logger.error({ err: error }, 'blob sweep failed'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  return {
    run,
    start() {
      if (timer || deps.intervalMs <= 0) return;
      timer = setInterval(run, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

export type Sweeper = ReturnType<typeof createSweeper>;
