import { SYSTEM_ACTOR } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { SealedBlobStore } from '../blobs/sealed-blob-store.js';
import { DOCUMENT_TYPE_IDS, type Fields, type SupportedDocumentType } from '../documents/document-types.js';
import { documentKey } from '../pipeline/duplicates.js';
import type { Clock, IdGenerator } from '../platform/clock.js';
import type { Sealer } from '../privacy/sealer.js';
import type { ReviewApprovalsRepository } from '../review/review-approvals.repository.js';
import type { SubjectsRepository } from '../subjects/subjects.repository.js';
import type { VerificationsRepository } from '../verifications/verifications.repository.js';
import type { WebhooksRepository } from '../webhooks/webhooks.repository.js';
import type { KeyRotation, KeyRotationCounts, KeyRotationsRepository } from './key-rotations.repository.js';

export interface RotateDataKeyDeps {
  sealer: Sealer;
  verifications: VerificationsRepository;
  subjects: Pick<SubjectsRepository, 'rekeyPage'>;
  approvals: Pick<ReviewApprovalsRepository, 'resealPage'>;
  webhooks: WebhooksRepository;
  keyRotations: KeyRotationsRepository;
  blobs: SealedBlobStore;
  audit: AuditRepository;
  clock: Clock;
  ids: IdGenerator;
}

export interface RotateDataKeyOptions {
  /** Rows per batch; progress is recorded after each. */
  batchSize: number;
  /** Stop after this many batches (a later invocation continues); null runs to the end. */
  maxBatches: number | null;
  /** Count what would change; write nothing, record nothing. */
  dryRun: boolean;
}

export interface RotationReport extends KeyRotationCounts {
  /** null for a dry run. */
  runId: string | null;
  dataKeyId: string;
  blindIndexKeyId: string;
  batches: number;
  /** Originals a row points at that the store no longer holds. */
  blobsMissing: number;
  complete: boolean;
  /** The run's counts over every invocation so far (equal to this one's for a new run). */
  total: KeyRotationCounts;
}

const isSupported = (type: string): type is SupportedDocumentType =>
  (DOCUMENT_TYPE_IDS as readonly string[]).includes(type);

/** The identifier the pipeline hashes (src/pipeline/duplicates.ts), for rows that did not keep it sealed. */
const documentKeyOf = (type: string, fields: Fields) =>
  isSupported(type) ? documentKey(type, fields) : null;

/** The tables a run goes through, in order. */
const NEXT_PHASE = {
  verifications: 'subjects',
  subjects: 'review_approvals',
  review_approvals: 'webhook_endpoints',
  webhook_endpoints: 'done',
  done: 'done',
} as const satisfies Record<KeyRotation['phase'], KeyRotation['phase']>;

const zero = (): KeyRotationCounts => ({
  valuesResealed: 0,
  hashesRewritten: 0,
  unindexable: 0,
  blobsResealed: 0,
});

/**
 * Brings everything at rest under the current keys, after DATA_ENCRYPTION_KEY changed (the old
 * key in DATA_ENCRYPTION_OLD_KEYS) or on the first start with a blind index key of its own:
 * sealed columns (verifications, subjects' identities, proposals awaiting a second reviewer,
 * webhook secrets) are sealed again with the
 * current data key, blind indexes computed again with
 * the blind index key, originals sealed (if still plain) or their keys wrapped again. It works in
 * batches and records its place after each, so a run that stopped continues where it was; every
 * step is also safe to repeat. Each invocation appends one audit record, with counts only.
 *
 * Audit records keep the sealed notes they were written with: the chain hashes them
 * (src/audit/audit.models.ts), so sealing them again would break it. The service never opens them.
 */
export async function rotateDataKey(
  deps: RotateDataKeyDeps,
  options: RotateDataKeyOptions,
): Promise<RotationReport> {
  const { sealer } = deps;
  if (!sealer.blindIndexKeyId) throw new Error('key rotation needs the blind index key');
  const keys = { dataKeyId: sealer.currentKeyId, blindIndexKeyId: sealer.blindIndexKeyId };
  const now = () => deps.clock.now();

  let run: KeyRotation | null = options.dryRun ? null : await deps.keyRotations.findUnfinished(keys);
  if (!run) {
    const fresh = { id: deps.ids('rot'), ...keys };
    if (!options.dryRun) await deps.keyRotations.start(fresh, now());
    run = { ...fresh, ...zero(), phase: 'verifications', cursor: null, startedAt: now(), completedAt: null };
  }
  const counts = zero();
  let blobsMissing = 0;
  let batches = 0;

  while (run.phase !== 'done' && (options.maxBatches === null || batches < options.maxBatches)) {
    const step = zero();
    let rows: number;
    let lastId: string | null;
    if (run.phase === 'verifications') {
      const page = await deps.verifications.rekeyPage({
        afterId: run.cursor,
        limit: options.batchSize,
        dryRun: options.dryRun,
        documentKeyOf,
      });
      ({ rows, lastId } = page);
      step.valuesResealed = page.valuesResealed;
      step.hashesRewritten = page.hashesRewritten;
      step.unindexable = page.unindexable;
      for (const blobKey of page.blobKeys) {
        const outcome = await deps.blobs.reseal(blobKey, { dryRun: options.dryRun });
        if (outcome === 'missing') blobsMissing++;
        if (outcome !== 'sealed' && outcome !== 'rewrapped') continue;
        step.blobsResealed++;
        // An erasure or the retention sweep may have deleted it while it was being rewritten.
        if (!options.dryRun && !(await deps.verifications.isBlobReferenced(blobKey))) {
          await deps.blobs.delete(blobKey);
        }
      }
    } else if (run.phase === 'subjects') {
      const page = await deps.subjects.rekeyPage({
        afterId: run.cursor,
        limit: options.batchSize,
        dryRun: options.dryRun,
      });
      ({ rows, lastId } = page);
      step.valuesResealed = page.valuesResealed;
      step.hashesRewritten = page.hashesRewritten;
    } else if (run.phase === 'review_approvals') {
      const page = await deps.approvals.resealPage(sealer, {
        afterId: run.cursor,
        limit: options.batchSize,
        dryRun: options.dryRun,
      });
      ({ rows, lastId } = page);
      step.valuesResealed = page.valuesResealed;
    } else {
      const page = await deps.webhooks.resealSecretsPage({
        afterId: run.cursor,
        limit: options.batchSize,
        dryRun: options.dryRun,
      });
      ({ rows, lastId } = page);
      step.valuesResealed = page.valuesResealed;
    }
    for (const name of Object.keys(step) as (keyof KeyRotationCounts)[]) {
      counts[name] += step[name];
      run[name] += step[name];
    }
    run.cursor = lastId ?? run.cursor;
    if (rows < options.batchSize) {
      run.phase = NEXT_PHASE[run.phase];
      run.cursor = null;
      if (run.phase === 'done') run.completedAt = now();
    }
    batches++;
    if (!options.dryRun) await deps.keyRotations.saveProgress(run, now());
  }

  const complete = run.phase === 'done';
  if (!options.dryRun) {
    await deps.audit.append({
      entityType: 'data_key',
      entityId: run.id,
      subjectId: '',
      action: 'data_key.rotation_run',
      actor: SYSTEM_ACTOR,
      before: null,
      after: { ...keys, batches, ...counts, blobsMissing, complete },
    });
  }
  return {
    runId: options.dryRun ? null : run.id,
    ...keys,
    batches,
    ...counts,
    blobsMissing,
    complete,
    total: {
      valuesResealed: run.valuesResealed,
      hashesRewritten: run.hashesRewritten,
      unindexable: run.unindexable,
      blobsResealed: run.blobsResealed,
    },
  };
}

/** One line for the operator: what happened and whether the old key may go. */
export function describeRotation(report: RotationReport, dryRun: boolean): string {
  const what = `${report.valuesResealed} sealed values, ${report.hashesRewritten} blind index values, ${report.blobsResealed} originals`;
  const notes = [
    report.unindexable ? `${report.unindexable} rows could not be indexed again` : null,
    report.blobsMissing ? `${report.blobsMissing} originals missing from the store` : null,
  ].filter(Boolean);
  const tail = notes.length ? ` (${notes.join('; ')})` : '';
  if (dryRun) {
    return `dry run for data key ${report.dataKeyId}, blind index key ${report.blindIndexKeyId}: would rewrite ${what}${tail}`;
  }
  const state = report.complete
    ? 'complete: every value is under the current keys; the old data key can be removed'
    : 'not complete: run it again to continue';
  return `key rotation ${report.runId} to data key ${report.dataKeyId}, blind index key ${report.blindIndexKeyId}: rewrote ${what} in ${report.batches} batches${tail}; ${state}`;
}
