import crypto from 'node:crypto';

export const WEBHOOK_EVENT_TYPES = [
  'verification.completed',
  'verification.failed',
  'verification.corrected',
  'verification.revoked',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const DELIVER_WEBHOOK_JOB = 'webhook.deliver';

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  /** Empty: every event type. */
  eventTypes: WebhookEventType[];
  createdAt: Date;
  disabledAt: Date | null;
}

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  subjectId: string;
  verificationId: string | null;
  /** The exact JSON every delivery of this event sends (and signs). */
  body: string;
  createdAt: Date;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  replayOf: string | null;
  createdAt: Date;
}

export const subscribes = (endpoint: WebhookEndpoint, type: WebhookEventType) =>
  !endpoint.disabledAt && (endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(type));

/** 32 random bytes; the receiver keeps it to check signatures. */
export function generateWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
}

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the Webhook-Signature header. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver's check (also in the README): constant-time compare, and a bounded clock skew. */
export function verifyWebhookSignature(input: {
  secret: string;
  timestamp: string;
  body: string;
  signature: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}): boolean {
  const ts = Number(input.timestamp);
  if (!Number.isInteger(ts) || Math.abs(input.nowSeconds - ts) > (input.toleranceSeconds ?? 300))
    return false;
  const expected = Buffer.from(signWebhook(input.secret, ts, input.body));
  return input.signature.split(/[\s,]+/).some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}

/** Production spans at least 24 hours with the default 30-second base; see README "Retries". */
export const RETRY_HORIZON_FACTOR = 2880; // 24 h / 30 s
export const RETRY_CAP_FACTOR = 720; // 6 h / 30 s

/**
 * The waits between delivery attempts: doubling from `baseMs`, capped at 720 × base, until they
 * add up to at least 2880 × base. With the default base of 30 s: 30 s, 1 min, 2 min, 4 min, 8 min,
 * 16 min, 32 min, 64 min, 128 min, 256 min, then 6 h, 6 h, 6 h (about 26.5 h in all, 14 attempts).
 */
export function retrySchedule(baseMs: number): number[] {
  const delays: number[] = [];
  let total = 0;
  while (total < baseMs * RETRY_HORIZON_FACTOR) {
    const delay = Math.min(baseMs * 2 ** delays.length, baseMs * RETRY_CAP_FACTOR);
    delays.push(delay);
    total += delay;
  }
  return delays;
}

/** The wait after failed attempt `attempt` (1-based), with up to 10% jitter so receivers are not stampeded. */
export function retryDelayAfter(schedule: readonly number[], attempt: number, random = Math.random): number {
  const base = schedule[Math.min(Math.max(attempt, 1), schedule.length) - 1] ?? 0;
  return Math.round(base * (1 + random() * 0.1));
}
