import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTextPng } from '../../test/support/images.js';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';
import { signInForTest } from '../review/review.test-support.js';

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('originals at rest', () => {
  let parent: string;
  let dataDir: string;
  let t: TestApp;
  beforeEach(async () => {
    // A data folder the service creates itself, as on a first start.
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-at-rest-'));
    dataDir = path.join(parent, 'data');
    t = await createTestApp({ env: { DATA_DIR: dataDir } });
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(parent, { recursive: true, force: true });
  });

  const blobFile = (key: string) => path.join(t.config.blobDir, key.slice(0, 2), key);
  const viewOriginal = async (id: string) => {
    const { cookie } = await signInForTest(t, t.keys.reviewer);
    return t.app.request(`/review/cases/${id}/image`, { headers: { cookie } });
  };

  it('an upload is stored sealed, only its owner may read the files, and a reviewer still sees the original', async () => {
    // Over-exposed: the quality gate answers at once, without OCR.
    const png = await makeTextPng('at rest');
    const res = await t.app.request('/v1/verifications', {
      method: 'POST',
      headers: t.auth('client'),
      body: uploadForm({ file: fileBlob(png, 'image/png'), subjectId: 'u-1' }),
    });
    expect(res.status).toBeLessThan(300);
    const { id } = (await res.json()) as { id: string };

    const file = blobFile(sha256(png));
    const stored = fs.readFileSync(file);
    expect(stored.subarray(0, 8).toString('latin1')).toBe('DVSEAL1\n');
    // No run of the original survives in the file.
    for (let at = 0; at + 32 <= png.length; at += 32) {
      expect(stored.includes(png.subarray(at, at + 32))).toBe(false);
    }
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(path.dirname(file))).toBe(0o700);
    expect(modeOf(t.config.blobDir)).toBe(0o700);
    expect(modeOf(dataDir)).toBe(0o700);
    // the embedded database's file; with TEST_DATABASE_URL the suite runs on PostgreSQL instead
    if (t.services.database.dialect === 'sqlite') {
      expect(modeOf(path.join(dataDir, 'docverify.sqlite'))).toBe(0o600);
    }
    for (const key of ['data-encryption.key', 'blind-index.key']) {
      expect(modeOf(path.join(dataDir, 'secrets', key))).toBe(0o600);
    }

    const image = await viewOriginal(id);
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
  });

  it('still serves an original stored in clear before sealing existed, but never a plain file that is not the original', async () => {
    const original = await makeTextPng('stored before sealing');
    const key = sha256(original);
    fs.mkdirSync(path.dirname(blobFile(key)), { recursive: true });
    fs.writeFileSync(blobFile(key), original);
    const blob = { key, sha256: key, mime: 'image/png', bytes: original.length };
    const id = await seedVerification(t.services, { subjectId: 'u-old', documentType: 'unknown', blob });

    const image = await viewOriginal(id);
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer()).equals(original)).toBe(true);

    // Someone with write access to the store swaps in other bytes, in clear, under the same name.
    fs.writeFileSync(blobFile(key), await makeTextPng('swapped in'));
    expect((await viewOriginal(id)).status).toBe(500);
  });
});
