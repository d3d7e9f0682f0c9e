import { type DatabaseHandle, exclusively } from '../db/database-port.js';
import type { Sealer } from '../privacy/sealer.js';
import { verificationCopies } from './verifications.copies.repository.js';
import { verificationReads } from './verifications.read.repository.js';
import { verificationRekeying } from './verifications.rekey.repository.js';
import { verificationWrites } from './verifications.write.repository.js';

export type VerificationsRepository = ReturnType<typeof createVerificationsRepository>;

/**
 * Names and ID numbers are sealed here, at the storage boundary, and nowhere else. One repository
 * for callers, written in four parts: reads, writes, the duplicate checks' queries and key rotation.
 */
export function createVerificationsRepository(database: DatabaseHandle, sealer: Sealer) {
  return exclusively(database, {
    ...verificationReads(database, sealer),
    // biome-ignore lint/nursery/noMisusedPromises: an object, not a promise; the rule reads eraseSubject's inner `return database.transaction(…)` as the function's own.
    ...verificationWrites(database, sealer),
    ...verificationCopies(database, sealer),
    ...verificationRekeying(database, sealer),
  });
}
