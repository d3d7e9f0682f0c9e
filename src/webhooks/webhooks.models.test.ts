import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  generateWebhookSecret,
  retryDelayAfter,
  retrySchedule,
  type SigningTarget,
  signingKey,
  signingSecrets,
  signWebhook,
} from './webhooks.models.js';

describe('webhook signatures and retries', () => {
  const id = 'evt_0mbx2k5hq7Zr-3_xQ';
  const body = '{"id":"evt_0mbx2k5hq7Zr-3_xQ","type":"ping","data":{}}';
  const now = Math.floor(Date.now() / 1000);
  const headers = (signature: string, timestamp = now) => ({
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  });

  it('generates secrets as Standard Webhooks has them: whsec_ and the base64 of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(signingKey(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('signs "<id>.<timestamp>.<body>" as the Standard Webhooks library does, and it verifies', () => {
    const secret = generateWebhookSecret();
    const signature = signWebhook({ secrets: [secret], id, timestamp: now, body });
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const receiver = new Webhook(secret);
    expect(signature).toBe(receiver.sign(id, new Date(now * 1000), body));
    expect(receiver.verify(body, headers(signature))).toEqual(JSON.parse(body));
    // The id and the timestamp are signed: a receiver refuses either one changed.
    expect(() => receiver.verify(body, { ...headers(signature), 'webhook-id': 'evt_other' })).toThrow();
    expect(() => receiver.verify(body, headers(signature, now - 1))).toThrow();
    expect(() => receiver.verify(`${body} `, headers(signature))).toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers(signature))).toThrow();
  });

  it('signs with each secret, space-separated; a receiver holding either one accepts it', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const signature = signWebhook({ secrets: [current, previous], id, timestamp: now, body });
    expect(signature.split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) {
      expect(() => new Webhook(secret).verify(body, headers(signature))).not.toThrow();
    }
  });

  it('keeps the key of a secret issued before (base64url, no padding): the same bytes in standard base64 verify', () => {
    const bytes = crypto.randomBytes(32);
    const legacy = `whsec_${bytes.toString('base64url')}`;
    expect(signingKey(legacy)).toEqual(bytes);
    const signature = signWebhook({ secrets: [legacy], id, timestamp: now, body });
    const converted = `whsec_${bytes.toString('base64')}`;
    expect(() => new Webhook(converted).verify(body, headers(signature))).not.toThrow();
  });

  it('signs with the previous secret only until its overlap ends', () => {
    const endpoint = {
      id: 'whe_1',
      url: 'https://hooks.example.com/in',
      description: null,
      eventTypes: [],
      createdAt: new Date(0),
      disabledAt: null,
      removedAt: null,
      previousSecretExpiresAt: new Date(10_000),
    };
    const target: SigningTarget = { endpoint, secret: 'whsec_bmV3', previousSecret: 'whsec_b2xk' };
    expect(signingSecrets(target, new Date(9_999))).toEqual(['whsec_bmV3', 'whsec_b2xk']);
    expect(signingSecrets(target, new Date(10_000))).toEqual(['whsec_bmV3']);
    expect(signingSecrets({ ...target, previousSecret: null }, new Date(0))).toEqual(['whsec_bmV3']);
  });

  it('retries for at least 24 hours with the default base, doubling and capped at 6 hours', () => {
    const schedule = retrySchedule(30_000);
    const total = schedule.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(schedule.slice(0, 4)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(Math.max(...schedule)).toBe(6 * 3_600_000);
    expect(schedule).toHaveLength(13);
    expect(retryDelayAfter(schedule, 1, () => 0)).toBe(30_000);
    expect(retryDelayAfter(schedule, 99, () => 0)).toBe(6 * 3_600_000);
    expect(retryDelayAfter(schedule, 2, () => 1)).toBe(66_000);
  });
});
