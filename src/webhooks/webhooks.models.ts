import crypto from 'node:crypto';

export const WEBHOOK_EVENT_TYPES = [
  'verification.completed',
  'verification.failed',
  'verification.corrected',
  'verification.revoked',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent to one endpoint on an admin's request (`…/ping`); endpoints cannot subscribe to it. */
export const PING_EVENT_TYPE = 'ping';
/** Every type a delivered event may have. */
export type DeliveredEventType = WebhookEventType | typeof PING_EVENT_TYPE;

export const DELIVER_WEBHOOK_JOB = 'webhook.deliver';

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  /** Empty: every event type. */
  eventTypes: WebhookEventType[];
  createdAt: Date;
  /** Set while an admin has it disabled: nothing is delivered to it. */
  disabledAt: Date | null;
  /** Set when it was removed (DELETE); a removed endpoint is gone for good. */
  removedAt: Date | null;
  /** Until then deliveries are also signed with the secret before the last rotation. */
  previousSecretExpiresAt: Date | null;
}

/** The endpoint with the secrets that sign its deliveries now. */
export interface SigningTarget {
  endpoint: WebhookEndpoint;
  secret: string;
  previousSecret: string | null;
}

export interface WebhookEvent {
  id: string;
  type: DeliveredEventType;
  /** '' for a ping, which concerns no subject. */
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

export const isActive = (endpoint: WebhookEndpoint) => !endpoint.disabledAt && !endpoint.removedAt;

export const subscribes = (endpoint: WebhookEndpoint, type: WebhookEventType) =>
  isActive(endpoint) && (endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(type));

/**
 * Standard Webhooks (https://www.standardwebhooks.com, "Signature scheme"): a symmetric secret is
 * 24 to 64 random bytes, shown base64-encoded behind `whsec_`; receivers pass the string as it
 * is to their Standard Webhooks library. 32 bytes: as many as SHA-256 puts out, and as before.
 */
export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${crypto.randomBytes(SECRET_BYTES).toString('base64')}`;
}

/**
 * The HMAC key of a secret: the bytes its base64 part encodes. Secrets issued before signing
 * followed the standard were base64url (`-` and `_`, no padding); Node decodes both alphabets to
 * the same bytes, so those endpoints keep their key (README, "Secrets issued before v1 signatures").
 */
export function signingKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('a webhook secret must encode at least one byte');
  return key;
}

/**
 * The `webhook-signature` header: `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` for
 * each secret, space-separated (two during a rotation's overlap). The id and timestamp are ours,
 * never the client's, and hold no `.`.
 */
export function signWebhook(input: {
  secrets: readonly string[];
  id: string;
  timestamp: number;
  body: string;
}): string {
  const content = `${input.id}.${input.timestamp}.${input.body}`;
  return input.secrets
    .map((secret) => `v1,${crypto.createHmac('sha256', signingKey(secret)).update(content).digest('base64')}`)
    .join(' ');
}

/** The secrets that sign a delivery at `now`: the current one, and the previous one until its overlap ends. */
export function signingSecrets(target: SigningTarget, now: Date): string[] {
  const { previousSecret } = target;
  const expires = target.endpoint.previousSecretExpiresAt;
  return previousSecret !== null && expires !== null && expires > now
    ? [target.secret, previousSecret]
    : [target.secret];
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
