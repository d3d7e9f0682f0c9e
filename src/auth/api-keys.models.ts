import crypto from 'node:crypto';

export const ROLES = ['client', 'engine', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKey {
  id: string;
  role: Role;
  name: string | null;
  prefix: string;
  createdAt: Date;
}

/** 32 random bytes: a key cannot be guessed, so a plain sha256 suffices to store it. */
export function generateApiKeySecret(role: Role): string {
  return `dv_${role}_${crypto.randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

/** Admin may do what any role may do. */
export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return role === 'admin' || allowed.includes(role);
}
