import type { D1Database } from '@cloudflare/workers-types/latest';
import { drizzle } from 'drizzle-orm/d1';
import type { DatabaseHandle } from '../db/database-port.js';
import * as schema from '../db/schema.js';

/**
 * How often an append that lost the race for the chain's end reads the new end and tries again:
 * under a burst of n decisions the last one may lose n - 1 times, so a short, jittered wait
 * between attempts spreads them out.
 */
const CHAIN_ATTEMPTS = 10;
const chainBackoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));

/** Errors already retried by an inner transaction: the outer ones pass them on as they are. */
const exhausted = new WeakSet<object>();

/**
 * The audit chain's unique index on prev_hash refused an insert: another request appended after
 * the same last record between our read of it and our insert. drizzle wraps D1's error, so the
 * message is looked for along the `cause` chain.
 */
export function isChainFork(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    if (/UNIQUE constraint failed: audit_records\.prev_hash/.test(e.message)) return true;
  }
  return false;
}

/**
 * The database handle over a D1 binding: the SQLite tables and the committed SQLite migrations
 * (drizzle/sqlite, applied by `wrangler d1 migrations apply`), so the repositories run unchanged.
 *
 * Transactions. D1 has no interactive transactions: a Worker cannot hold BEGIN … COMMIT open across
 * awaits, and `batch()` only takes statements prepared up front, which the repositories' awaited
 * drizzle builders cannot give. So `transaction(fn)` runs `fn` directly and each statement commits
 * on its own. That is all the edge needs, because it only mounts reads: lookups, the review queue
 * and metrics run SELECTs alone, and an eligibility decision writes one row, its audit record, as
 * its last statement, so there is never anything to roll back. Everything that writes several
 * rows at once (uploads, verdicts, corrections, revocations, erasure) stays on the cluster.
 *
 * The one race left is the audit chain: two requests can read the same last hash and both append
 * after it. The unique index on prev_hash refuses the second insert, and the innermost transaction
 * that sees the refusal (audit.append's own, which reads the chain's end again) runs again, up to
 * CHAIN_ATTEMPTS times, so the chain never forks and a decision is not lost to a busy moment.
 */
export function openD1Database(d1: D1Database): DatabaseHandle {
  const db = drizzle(d1, { schema });
  return {
    dialect: 'sqlite',
    db,
    tables: schema,
    ping: async () => (await d1.prepare('select 1 as ok').first<number>('ok')) === 1,
    // D1 serialises statements itself and a Worker holds no connection: nothing to hold.
    exclusive: (fn) => fn(),
    async transaction(fn) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await fn();
        } catch (error) {
          const retry = isChainFork(error) && !exhausted.has(error as object) && attempt < CHAIN_ATTEMPTS;
          if (!retry) {
            if (isChainFork(error)) exhausted.add(error as object);
            throw error;
          }
          await chainBackoff(attempt);
        }
      }
    },
    sqlClient: () => null,
    // D1 owns its storage, and erasure runs on the cluster, not here.
    checkpoint: async () => undefined,
    // The binding belongs to the request's environment; there is no pool to close.
    close: async () => undefined,
  };
}
