import crypto from 'node:crypto';

export const ROLES = ['client', 'engine', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What is known of a key besides its secret: everything here may be listed to an admin. */
export interface ApiKey {
  id: string;
  role: Role;
  name: string | null;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  rotatedAt: Date | null;
  /** Until when the secret replaced by the last rotation is still accepted; null when none is. */
  previousKeyExpiresAt: Date | null;
}

/** The grace period of a rotation when the caller names none: a day to roll the new secret out. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 60 * 60;
/** The longest grace period a rotation may give the old secret. */
export const MAX_ROTATION_GRACE_SECONDS = 30 * 24 * 60 * 60;
/** `lastUsedAt` is written at most this often per key: authenticating stays a read. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** 32 random bytes: a key cannot be guessed, so a plain sha256 suffices to store it. */
export function generateApiKeySecret(role: Role): string {
  return `dv_${role}_${crypto.randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

/** The part of a secret shown in lists: its role tag and a few random characters. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 12);
}

/** Admin may do what any role may do. */
export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return role === 'admin' || allowed.includes(role);
}

/** A key authenticates while it is neither revoked nor past its expiry. */
export function isKeyUsable(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** A key as an admin sees it, over HTTP or in the CLI: dates in ISO 8601, never the secret or its hash. */
export function apiKeyView(key: ApiKey) {
  return {
    id: key.id,
    prefix: key.prefix,
    role: key.role,
    name: key.name,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: iso(key.lastUsedAt),
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    rotatedAt: iso(key.rotatedAt),
    previousKeyExpiresAt: iso(key.previousKeyExpiresAt),
  };
}

/** What the audit trail keeps of a key: no secret, no hash. */
export function auditView(key: ApiKey): Record<string, unknown> {
  return {
    role: key.role,
    name: key.name,
    prefix: key.prefix,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    rotatedAt: key.rotatedAt,
    previousKeyExpiresAt: key.previousKeyExpiresAt,
  };
}
