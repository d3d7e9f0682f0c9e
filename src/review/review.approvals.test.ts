import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { createApiKey } from '../auth/api-keys.usecases.js';
import type { Reason } from '../verdicts/reasons.js';
import { SAMPLE, seedReviewCase, signInForTest } from './review.test-support.js';

/** The sample graduated in 2018-06: in early 2019 a verified copy makes its subject eligible. */
const NOW = new Date('2019-03-01T08:00:00Z');

const DUPLICATE: Reason = {
  code: 'DUPLICATE_ACROSS_SUBJECTS',
  severity: 'hard',
  message: 'the certificate number was submitted for another applicant',
};

/**
 * The two-person rule: a reviewer's `verified` over a HARD reason (duplicate across subjects,
 * tampering, checksum, applicant mismatch, instructions, any hard-severity reason) is a proposal
 * until a second, different reviewer approves it. Driven over HTTP with two reviewer keys.
 */
describe('review: a second reviewer approves overrides of hard reasons', () => {
  let t: TestApp;
  let second: string;
  beforeEach(async () => {
    t = await createTestApp({ overrides: { clock: { now: () => NOW } } });
    second = (await createApiKey(t.services, { role: 'reviewer', name: 'second reviewer' })).secret;
  });
  afterEach(async () => {
    await t.close();
  });

  const as = (who: 'first' | 'second') => ({
    ...(who === 'first' ? t.auth('reviewer') : { authorization: `Bearer ${second}` }),
    'content-type': 'application/json',
  });
  const post = (path: string, who: 'first' | 'second', body: unknown) =>
    t.app.request(path, { method: 'POST', headers: as(who), body: JSON.stringify(body) });
  const read = async (id: string) =>
    (await t.app.request(`/v1/verifications/${id}`, { headers: t.auth('engine') })).json();
  const versionOf = async (id: string) => {
    const queue = await (await t.app.request('/v1/review/queue', { headers: t.auth('reviewer') })).json();
    const item = queue.items.find((i: { id: string }) => i.id === id);
    return (item?.version as string | undefined) ?? String(Date.parse((await read(id)).completedAt));
  };
  const eligibility = async () =>
    (
      await t.app.request(`/v1/subjects/${SAMPLE.subjectId}/eligibility`, { headers: t.auth('engine') })
    ).json();
  const auditActions = async (id: string) => {
    const audit = await (
      await t.app.request(`/v1/verifications/${id}/audit`, { headers: t.auth('reviewer') })
    ).json();
    return audit.items.map((r: { action: string }) => r.action) as string[];
  };

  it('one reviewer’s verified over a duplicate is only a proposal: the case stays rejected, queued and not counted, until another reviewer approves', async () => {
    const id = await seedReviewCase(t, { verdict: 'rejected', reasons: [DUPLICATE] });
    const proposed = await post(`/v1/verifications/${id}/corrections`, 'first', {
      expectedVersion: await versionOf(id),
      fields: { major: '土木工程' },
      verdict: 'verified',
      note: '复印件，非重复',
    });
    expect(proposed.status).toBe(202);
    const proposal = await proposed.json();
    expect(proposal).toMatchObject({
      status: 'awaiting_approval',
      approval: {
        status: 'pending',
        proposedVerdict: 'verified',
        changedFields: ['major'],
        hardReasonCodes: ['DUPLICATE_ACROSS_SUBJECTS'],
      },
      verification: { verdict: 'rejected' },
    });
    const approvalId = proposal.approval.id as string;

    // nothing changed yet: still rejected, the field unchanged, not counted for eligibility
    expect(await read(id)).toMatchObject({ verdict: 'rejected', fields: { major: '土木工桯' } });
    expect(await eligibility()).toMatchObject({ eligible: false });
    // the case is in the queue, marked as awaiting a second approval
    const pending = await (
      await t.app.request('/v1/review/queue?pending=approval', { headers: t.auth('reviewer') })
    ).json();
    expect(pending.items).toEqual([
      expect.objectContaining({
        id,
        verdict: 'rejected',
        awaitingApproval: expect.objectContaining({ approvalId }),
      }),
    ]);
    // the second reviewer sees what is proposed
    const listed = await (
      await t.app.request(`/v1/verifications/${id}/approvals`, { headers: as('second') })
    ).json();
    expect(listed.items[0]).toMatchObject({
      id: approvalId,
      fields: { major: '土木工程' },
      note: '复印件，非重复',
    });

    const approved = await post(`/v1/verifications/${id}/approvals`, 'second', {
      approvalId,
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({
      approval: { status: 'approved' },
      verification: { verdict: 'verified', fields: { major: '土木工程' } },
      eligibility: { eligible: true },
    });
    expect(await eligibility()).toMatchObject({ eligible: true, tier: 't3' });
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining([
        'verification.correction_proposed',
        'verification.correction_approved',
        'verification.corrected',
      ]),
    );
    const queue = await (
      await t.app.request('/v1/review/queue?pending=approval', { headers: t.auth('reviewer') })
    ).json();
    expect(queue.items).toEqual([]);
  });

  it('the proposer cannot approve their own proposal (403); a second reviewer can send it back', async () => {
    const id = await seedReviewCase(t, {
      verdict: 'rejected',
      reasons: [{ code: 'TAMPER_SUSPECTED', severity: 'soft', message: 'the seal looks pasted' }],
    });
    const proposed = await post(`/v1/verifications/${id}/corrections`, 'first', {
      expectedVersion: await versionOf(id),
      verdict: 'verified',
    });
    expect(proposed.status).toBe(202);
    const approvalId = (await proposed.json()).approval.id as string;

    const self = await post(`/v1/verifications/${id}/approvals`, 'first', {
      approvalId,
      decision: 'approve',
    });
    expect(self.status).toBe(403);
    expect((await self.json()).code).toBe('SELF_APPROVAL_FORBIDDEN');
    expect((await read(id)).verdict).toBe('rejected');

    const sentBack = await post(`/v1/verifications/${id}/approvals`, 'second', {
      approvalId,
      decision: 'send_back',
      note: 'the seal is pasted',
    });
    expect(sentBack.status).toBe(200);
    expect(await sentBack.json()).toMatchObject({
      approval: { status: 'sent_back' },
      verification: { verdict: 'rejected' },
    });
    const late = await post(`/v1/verifications/${id}/approvals`, 'second', {
      approvalId,
      decision: 'approve',
    });
    expect(late.status).toBe(409);
    expect((await late.json()).code).toBe('APPROVAL_NOT_PENDING');
    expect((await read(id)).verdict).toBe('rejected');
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining(['verification.correction_proposed', 'verification.correction_sent_back']),
    );
    expect(await auditActions(id)).not.toContain('verification.corrected');
  });

  it('fixing the mismatched name first and saving verified afterwards still needs a second reviewer', async () => {
    const id = await seedReviewCase(t, {
      verdict: 'rejected',
      fields: { name: '徐佳佳' },
      reasons: [
        {
          code: 'APPLICANT_NAME_MISMATCH',
          severity: 'hard',
          field: 'name',
          message: 'the name on the document is not the applicant’s',
        },
      ],
    });
    // step 1: the name "corrected" to the applicant's, verdict left for later
    const first = await post(`/v1/verifications/${id}/corrections`, 'first', {
      expectedVersion: await versionOf(id),
      fields: { name: SAMPLE.applicant.name, major: '土木工程' },
      verdict: 'needs_review',
    });
    expect(first.status).toBe(200);
    expect((await first.json()).verification.reasons.map((r: { code: string }) => r.code)).not.toContain(
      'APPLICANT_NAME_MISMATCH',
    );
    // step 2: verified, by the same reviewer: a proposal, not a verdict
    const second = await post(`/v1/verifications/${id}/corrections`, 'first', {
      expectedVersion: await versionOf(id),
      verdict: 'verified',
    });
    expect(second.status).toBe(202);
    expect((await second.json()).approval.hardReasonCodes).toEqual(['APPLICANT_NAME_MISMATCH']);
    expect((await read(id)).verdict).toBe('needs_review');
    expect(await eligibility()).toMatchObject({ eligible: false });
  });

  it('through the pages: a save of verified becomes a proposal; another reviewer approves it from the case page', async () => {
    const id = await seedReviewCase(t, { verdict: 'rejected', reasons: [DUPLICATE] });
    const a = await signInForTest(t, t.keys.reviewer);
    const b = await signInForTest(t, second);
    const form = (session: typeof a, path: string, fields: Record<string, string>) =>
      t.app.request(path, {
        method: 'POST',
        headers: {
          cookie: session.cookie,
          origin: session.origin,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
      });
    const page = async (session: typeof a, path: string) =>
      (await t.app.request(path, { headers: { cookie: session.cookie } })).text();

    const casePage = await page(a, `/review/cases/${id}`);
    const version = /name="version" value="(\d+)"/.exec(casePage)?.[1] ?? '';
    const saved = await form(a, `/review/cases/${id}`, {
      version,
      action: 'approve',
      'field.major': '土木工程',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/review/cases/${id}?proposed=1`);
    expect((await read(id)).verdict).toBe('rejected');
    expect(await eligibility()).toMatchObject({ eligible: false });

    // the proposer sees it waiting, with nothing to approve
    const own = await page(a, `/review/cases/${id}?proposed=1`);
    expect(own).toContain('awaiting second approval');
    expect(own).not.toContain('name="approvalId"');
    // the queue marks it, and its filter lists it
    const queue = await page(b, '/review?pending=approval');
    expect(queue).toContain(id);
    expect(queue).toContain('class="awaiting-approval"');
    // the other reviewer gets approve / send back
    const other = await page(b, `/review/cases/${id}`);
    expect(other).toContain('awaiting second approval');
    const approvalId = /name="approvalId" value="([^"]+)"/.exec(other)?.[1] ?? '';
    expect(approvalId).not.toBe('');
    expect(other).toContain('土木工程'); // the proposed value

    // the proposer's own approval through the form is refused
    const self = await form(a, `/review/cases/${id}/approvals`, { approvalId, decision: 'approve' });
    expect(self.status).toBe(403);
    expect((await read(id)).verdict).toBe('rejected');

    const approved = await form(b, `/review/cases/${id}/approvals`, { approvalId, decision: 'approve' });
    expect(approved.status).toBe(303);
    expect(await read(id)).toMatchObject({ verdict: 'verified', fields: { major: '土木工程' } });
    expect(await eligibility()).toMatchObject({ eligible: true });
  });

  it('erasing the subject closes a waiting proposal and drops its sealed values', async () => {
    const id = await seedReviewCase(t, { verdict: 'rejected', reasons: [DUPLICATE] });
    const proposed = await post(`/v1/verifications/${id}/corrections`, 'first', {
      expectedVersion: await versionOf(id),
      fields: { name: '徐佳' },
      verdict: 'verified',
      note: '本人确认',
    });
    const approvalId = (await proposed.json()).approval.id as string;
    const erased = await t.app.request(`/v1/subjects/${SAMPLE.subjectId}`, {
      method: 'DELETE',
      headers: t.auth('admin'),
    });
    expect(erased.status).toBe(200);
    const stored = await t.services.approvals.findById(approvalId);
    expect(stored).toMatchObject({ status: 'superseded', fieldsSealed: null, noteSealed: null });
    const late = await post(`/v1/verifications/${id}/approvals`, 'second', {
      approvalId,
      decision: 'approve',
    });
    expect(late.status).toBe(409);
  });
});
