import crypto from 'node:crypto';

/** Time and identity sources are injected so tests can fix them. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type IdGenerator = (prefix: string) => string;

/** Sortable, unguessable ids: `<prefix>_<time base36><random>`. */
export const randomIds: IdGenerator = (prefix) =>
  `${prefix}_${Date.now().toString(36).padStart(9, '0')}${crypto.randomBytes(10).toString('base64url')}`;
