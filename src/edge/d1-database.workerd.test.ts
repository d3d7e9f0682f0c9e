import { applyD1Migrations, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseChainKey } from '../audit/audit.models.js';
import { createAuditRepository } from '../audit/audit.repository.js';
import { verifyAuditChain } from '../audit/audit.usecases.js';
import { randomIds, systemClock } from '../platform/clock.js';
import { isChainFork, openD1Database } from './d1-database.js';

const database = openD1Database(env.DB);
const chainKey = parseChainKey(env.AUDIT_HMAC_KEY);
beforeAll(() => applyD1Migrations(env.DB, env.TEST_MIGRATIONS));

/** A second record after the chain's current end: what a concurrent appender would insert. */
async function forkTheChain() {
  const { auditTable } = database.tables;
  const audit = createAuditRepository(database, { clock: systemClock, ids: randomIds, chainKey });
  const first = await audit.append({
    entityType: 'subject',
    entityId: 'fork',
    subjectId: 'fork',
    action: 'eligibility.decided',
    actor: { type: 'system' },
    before: null,
    after: null,
  });
  await database.db.insert(auditTable).values({
    id: randomIds('aud'),
    entityType: 'subject',
    entityId: 'fork',
    subjectId: 'fork',
    action: 'eligibility.decided',
    actorType: 'system',
    at: new Date(),
    prevHash: first.prevHash,
    hash: 'f'.repeat(64),
  });
}

describe('D1 database handle', () => {
  it('answers the readiness ping', async () => {
    expect(await database.ping()).toBe(true);
  });

  it("recognises D1's refusal of a second record after the same hash (the chain's unique index)", async () => {
    const error = await forkTheChain().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isChainFork(error)).toBe(true);
    expect(isChainFork(new Error('UNIQUE constraint failed: verifications.id'))).toBe(false);
  });

  it('runs a transaction again when it lost the race for the chain, and only then', async () => {
    const fork = await forkTheChain().catch((e: unknown) => e);
    let calls = 0;
    const result = await database.transaction(async () => {
      calls += 1;
      if (calls < 3) throw fork;
      return 'appended';
    });
    expect([result, calls]).toEqual(['appended', 3]);

    let other = 0;
    await expect(
      database.transaction(async () => {
        other += 1;
        throw new Error('no such table: nowhere');
      }),
    ).rejects.toThrow('no such table');
    expect(other).toBe(1);
  });

  it('leaves the retry to the innermost transaction: an outer one does not repeat its own writes', async () => {
    let inner = 0;
    let outer = 0;
    await expect(
      database.transaction(async () => {
        outer += 1;
        await database.transaction(async () => {
          inner += 1;
          await forkTheChain();
        });
      }),
    ).rejects.toSatisfy(isChainFork);
    expect([outer, inner]).toEqual([1, 10]);
  });

  it('keeps the chain verifiable after refused forks (nothing half-written)', async () => {
    const audit = createAuditRepository(database, { clock: systemClock, ids: randomIds, chainKey });
    expect(await verifyAuditChain({ audit })).toMatchObject({ ok: true });
  });
});
