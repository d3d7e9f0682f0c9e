import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seedVerification } from '../../test/support/seed.js';
import type { TestApp } from '../../test/support/test-services.js';
import type { FieldEvidence, FieldValue } from '../documents/document-types.js';
import type { Reason } from '../verdicts/reasons.js';

export const SAMPLE_DIR = fileURLToPath(new URL('../../fixtures/sample-02-grad-photo/', import.meta.url));

/** The committed sample's labels: a 浙江大学 graduation certificate of 徐佳. */
export const SAMPLE = JSON.parse(fs.readFileSync(`${SAMPLE_DIR}expected.json`, 'utf8')) as {
  subjectId: string;
  applicant: { name: string; idNumber: string };
  fields: Record<string, FieldValue>;
};

const rules = (text: string, box: [number, number, number, number], confidence = 0.93): FieldEvidence => ({
  text,
  box,
  confidence,
  source: 'rules',
});

/**
 * A needs_review graduation certificate whose original is the committed sample photo, with the
 * major misread (a low-confidence 土木工桯) and evidence boxes on the original: what a reviewer fixes.
 */
export async function seedReviewCase(
  t: TestApp,
  options: {
    /** Whose case it is (default the sample's subject). */
    subjectId?: string;
    fields?: Record<string, FieldValue>;
    evidence?: Record<string, FieldEvidence>;
    reasons?: Reason[];
    verdict?: 'needs_review' | 'rejected';
  } = {},
) {
  const bytes = fs.readFileSync(`${SAMPLE_DIR}input.jpg`);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const key = await t.services.blobs.put(sha256, bytes);
  const fields: Record<string, FieldValue> = { ...SAMPLE.fields, major: '土木工桯', ...options.fields };
  const evidence: Record<string, FieldEvidence> = {
    name: rules(String(fields.name), [478, 395, 80, 46]),
    school: rules(String(fields.school), [1122, 806, 150, 46]),
    major: rules(String(fields.major), [603, 452, 132, 46], 0.41),
    ...options.evidence,
  };
  return seedVerification(t.services, {
    subjectId: options.subjectId ?? SAMPLE.subjectId,
    documentType: 'graduation_certificate',
    verdict: options.verdict ?? 'needs_review',
    fields,
    evidence,
    reasons: options.reasons ?? [
      {
        code: 'LOW_CONFIDENCE',
        severity: 'soft',
        field: 'major',
        message: 'major was read with low confidence',
        messageZh: '字段识别置信度低',
      },
    ],
    applicant: SAMPLE.applicant,
    blob: { key, sha256, mime: 'image/jpeg', bytes: bytes.length },
  });
}

/** Signs in through the form (as a browser would: same Origin) and returns the cookie and CSRF token. */
export async function signInForTest(t: TestApp, secret: string) {
  const origin = 'http://localhost';
  const res = await t.app.request('/review/sign-in', {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key: secret, next: '/review' }).toString(),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const page = await t.app.request('/review', { headers: { cookie } });
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return { res, cookie, csrf, origin };
}
