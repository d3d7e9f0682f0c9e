import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { startWebhookReceiver, type WebhookReceiver, waitFor } from '../../test/support/webhook-receiver.js';
import { createApp } from '../app.js';
import { createApiKey } from '../auth/api-keys.usecases.js';
import { loadConfig } from '../config.js';
import { buildServices, type Services } from '../services.js';

describe('webhooks: a delivery survives a restart', () => {
  let dataDir = '';
  let receiver: WebhookReceiver | null = null;
  const open: Services[] = [];
  afterEach(async () => {
    for (const s of open) await s.close().catch(() => {});
    await receiver?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a delivery still failing when the service stops completes after it starts again on the same data', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-webhook-restart-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      OCR_POOL_SIZE: '1',
      WEBHOOK_TIMEOUT_MS: '400',
      WEBHOOK_RETRY_BASE_MS: '100',
      // The receiver listens on 127.0.0.1.
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    });
    receiver = await startWebhookReceiver(() => 503);

    const first = await buildServices(config);
    open.push(first);
    const app = createApp(first);
    await first.queue.start();
    const admin = (await createApiKey(first, { role: 'admin' })).secret;
    const reviewer = (await createApiKey(first, { role: 'reviewer' })).secret;
    const created = await app.request('/v1/admin/webhooks', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url }),
    });
    expect(created.status).toBe(201);
    const id = await seedVerification(first, {
      subjectId: 'u-9',
      documentType: 'unknown',
      verdict: 'rejected',
    });
    const revoked = await app.request(`/v1/verifications/${id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reviewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'other' }),
    });
    expect(revoked.status).toBe(200);
    await waitFor(
      () => receiver?.received.length ?? 0,
      (n) => n >= 2,
    );
    await first.close();
    const failedBeforeStop = receiver.received.length;
    expect(receiver.acknowledged()).toHaveLength(0);

    receiver.setScript(() => 200);
    const second = await buildServices(config);
    open.push(second);
    await second.queue.start();
    const [event] = await second.webhooks.listEventsBySubject('u-9');
    const done = await waitFor(
      () => second.webhooks.listDeliveries(String(event?.id)),
      (d) => d[0]?.status === 'delivered',
    );
    expect(done[0]?.attempts).toBe(failedBeforeStop + 1);
    expect(receiver.acknowledged()).toHaveLength(1);
    expect(receiver.acknowledged()[0]?.headers['webhook-id']).toBe(event?.id);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.acknowledged()).toHaveLength(1);
  });
});
