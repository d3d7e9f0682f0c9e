import { describe, expect, it } from 'vitest';
import { retryDelayAfter, retrySchedule, signWebhook, verifyWebhookSignature } from './webhooks.models.js';

describe('webhook signatures and retries', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 and the receiver check accepts only that', () => {
    const body = '{"id":"evt_1"}';
    const signature = signWebhook('whsec_test', 1_700_000_000, body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    const check = {
      secret: 'whsec_test',
      timestamp: '1700000000',
      body,
      signature,
      nowSeconds: 1_700_000_010,
    };
    expect(verifyWebhookSignature(check)).toBe(true);
    expect(verifyWebhookSignature({ ...check, secret: 'whsec_other' })).toBe(false);
    expect(verifyWebhookSignature({ ...check, body: '{"id":"evt_2"}' })).toBe(false);
    expect(verifyWebhookSignature({ ...check, timestamp: '1700000001' })).toBe(false);
    expect(verifyWebhookSignature({ ...check, nowSeconds: 1_700_000_000 + 3600 })).toBe(false);
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
