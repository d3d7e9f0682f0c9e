import { and, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../db/database-port.js';
import type { Sealer } from '../privacy/sealer.js';

/** The duplicate checks' reads: other verifications of the same file, identifier or picture. */
export function verificationCopies(database: DatabaseHandle, sealer: Sealer) {
  const { db } = database;
  const { verificationsTable } = database.tables;

  return {
    /**
     * Other verifications that hold the same document: the same file, the same document
     * identifier, or a perceptual hash within `maxDistance` bits (compared by the caller).
     */
    async findCopies(input: {
      excludeId: string;
      fileSha256: string;
      documentKey: string | null;
    }): Promise<{ id: string; subjectId: string; sameFile: boolean }[]> {
      const sameFile = eq(verificationsTable.fileSha256, input.fileSha256);
      // Every hash the identifier may be stored under: rows indexed before the blind index had its
      // own key are found until `docverify keys rotate-data-key` has indexed them again.
      const sameKey = input.documentKey
        ? inArray(verificationsTable.documentKeyHash, sealer.blindIndexCandidates(input.documentKey))
        : undefined;
      const rows = await db
        .select({
          id: verificationsTable.id,
          subjectId: verificationsTable.subjectId,
          sameFile: sql<number>`${sameFile}`,
        })
        .from(verificationsTable)
        .where(and(sameKey ? or(sameFile, sameKey) : sameFile, ne(verificationsTable.id, input.excludeId)))
        .limit(20);
      // A comparison comes back as 0/1 from SQLite and as a boolean from PostgreSQL.
      return rows.map((r) => ({ id: r.id, subjectId: r.subjectId, sameFile: Boolean(r.sameFile) }));
    },

    /** Perceptual hashes of completed documents, for near-duplicate search by Hamming distance. */
    async listPerceptualHashes(
      excludeId: string,
    ): Promise<{ id: string; subjectId: string; hash: string }[]> {
      const rows = await db
        .select({
          id: verificationsTable.id,
          subjectId: verificationsTable.subjectId,
          hash: verificationsTable.perceptualHash,
        })
        .from(verificationsTable)
        .where(and(ne(verificationsTable.id, excludeId), eq(verificationsTable.status, 'completed')));
      return rows.filter((r): r is { id: string; subjectId: string; hash: string } => r.hash !== null);
    },
  };
}
