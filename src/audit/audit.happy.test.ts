import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { canonicalRecord, GENESIS_HASH, unkeyedChainHash } from './audit.models.js';
import { verifyAuditChain } from './audit.usecases.js';

describe('audit trail: happy path', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const revoke = (id: string, note?: string) =>
    t.app.request(`/v1/verifications/${id}/revoke`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'fraud_suspected', ...(note ? { note } : {}) }),
    });

  it('lists a verification’s changes with actor, before and after, hash-chained, without personal data', async () => {
    const id = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'degree_certificate',
      fields: { degree: '工学学士' },
    });
    expect((await revoke(id, '张伟 admitted the certificate belongs to 李娜')).status).toBe(200);

    for (const role of ['reviewer', 'engine', 'admin'] as const) {
      expect((await t.app.request(`/v1/verifications/${id}/audit`, { headers: t.auth(role) })).status).toBe(
        200,
      );
    }
    const res = await t.app.request(`/v1/verifications/${id}/audit`, { headers: t.auth('reviewer') });
    const { items } = await res.json();
    const revoked = items.find((r: { action: string }) => r.action === 'verification.revoked');
    expect(revoked).toMatchObject({
      entityId: id,
      actor: { type: 'key', role: 'reviewer' },
      before: { status: 'completed', verdict: 'verified', revoked: false },
      after: { status: 'completed', verdict: 'verified', revoked: true, revocationReason: 'fraud_suspected' },
    });
    expect(revoked.after.noteSealed.sealed).toMatch(/^v1\./);
    expect(revoked.hash).toMatch(/^[0-9a-f]{64}$/);
    const dump = JSON.stringify(items);
    expect(dump).not.toContain('张伟');
    expect(dump).not.toContain('李娜');
    expect(await verifyAuditChain(t.services)).toMatchObject({ ok: true });
  });

  it('detects a row changed directly in the database, naming the first bad record', async () => {
    const a = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'degree_certificate',
      fields: { degree: '工学学士' },
    });
    const b = await seedVerification(t.services, {
      subjectId: 'u-1',
      documentType: 'degree_certificate',
      fields: { degree: '理学学士' },
    });
    await revoke(a);
    await revoke(b);
    expect(await verifyAuditChain(t.services)).toEqual({ ok: true, records: 2 });

    const { db, tables } = t.services.database;
    const [first] = await t.services.database.exclusive(async () =>
      db
        .select({ seq: tables.auditTable.seq, id: tables.auditTable.id })
        .from(tables.auditTable)
        .where(eq(tables.auditTable.entityId, a)),
    );
    if (!first) throw new Error(`no audit record of ${a}`);
    const changed = await t.services.database.exclusive(async () =>
      db
        .update(tables.auditTable)
        .set({ actorRole: 'admin' })
        .where(eq(tables.auditTable.seq, first.seq))
        .returning({ seq: tables.auditTable.seq }),
    );
    expect(changed).toHaveLength(1);

    expect(await verifyAuditChain(t.services)).toMatchObject({
      ok: false,
      badRecord: { id: first.id, seq: first.seq },
    });
  });

  it('a chain begun before the key existed is marked keyed once, at the first append, and verifies', async () => {
    const { db, tables } = t.services.database;
    // two records as the service wrote them before AUDIT_HMAC_KEY: sha256 links
    let prevHash = GENESIS_HASH;
    for (const n of [1, 2]) {
      const base = {
        id: `aud_legacy_${n}`,
        entityType: 'subject' as const,
        entityId: `u-${n}`,
        subjectId: `u-${n}`,
        action: 'eligibility.decided' as const,
        actor: { type: 'system' as const },
        at: new Date(1_700_000_000_000 + n),
        before: null,
        after: { eligible: false },
      };
      const hash = unkeyedChainHash(prevHash, canonicalRecord(base));
      await t.services.database.exclusive(() =>
        db.insert(tables.auditTable).values({
          ...base,
          actorType: 'system',
          after: JSON.stringify(base.after),
          prevHash,
          hash,
        }),
      );
      prevHash = hash;
    }
    expect(await verifyAuditChain(t.services)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('not keyed'),
    });

    const id = await seedVerification(t.services, { subjectId: 'u-3', documentType: 'degree_certificate' });
    await revoke(id);
    await revoke(id); // 409, nothing appended
    await t.services.eligibility.decide('u-3', { type: 'system' });
    const actions: string[] = [];
    for await (const record of t.services.audit.iterateAll()) actions.push(record.action);
    expect(actions).toEqual([
      'eligibility.decided',
      'eligibility.decided',
      'audit.chain_keyed',
      'verification.revoked',
      'eligibility.decided',
    ]);
    expect(await verifyAuditChain(t.services)).toMatchObject({ ok: true, records: 5, unkeyedRecords: 2 });
  });
});
