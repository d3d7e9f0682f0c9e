import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { DatabaseHandle, Tables } from '../db/database-port.js';
import type { Applicant, Fields } from '../documents/document-types.js';
import type { Sealer } from '../privacy/sealer.js';

type Row = Tables['verificationsTable']['$inferSelect'];

/** One page of a key rotation over verifications: counts, and the originals its rows point at. */
export interface RekeyPage {
  /** Where the next page starts; null when there were no rows. */
  lastId: string | null;
  rows: number;
  valuesResealed: number;
  hashesRewritten: number;
  /** Rows whose document hash could not be computed again (no sealed key, no identifier in the fields). */
  unindexable: number;
  blobKeys: string[];
}

const SEALED_COLUMNS = [
  'applicantSealed',
  'resultSealed',
  'revocationNoteSealed',
  'documentKeySealed',
] as const;
const HASH_COLUMNS = ['applicantIdHash', 'documentKeyHash'] as const;
type RekeyedColumns = Partial<Pick<Row, (typeof SEALED_COLUMNS)[number] | (typeof HASH_COLUMNS)[number]>>;

/** Key rotation over the verifications: sealed values and blind indexes brought to the current keys. */
export function verificationRekeying(database: DatabaseHandle, sealer: Sealer) {
  const { db } = database;
  const { verificationsTable } = database.tables;
  /** The values a row holds after a rotation step: sealed with the current key, hashed with the index key. */
  const rekeyRow = (row: Row, documentKeyOf: (documentType: string, fields: Fields) => string | null) => {
    const values: RekeyedColumns = {};
    let valuesResealed = 0;
    let hashesRewritten = 0;
    let unindexable = 0;
    for (const column of SEALED_COLUMNS) {
      const sealed = row[column];
      if (sealed !== null && sealer.keyIdOf(sealed) !== sealer.currentKeyId) {
        values[column] = sealer.seal(sealer.open(sealed));
        valuesResealed++;
      }
    }
    const rehash = (column: (typeof HASH_COLUMNS)[number], source: string | null) => {
      if (row[column] === null) return;
      if (source === null) {
        unindexable++;
        return;
      }
      const hash = sealer.blindIndex(source);
      if (hash !== row[column]) {
        values[column] = hash;
        hashesRewritten++;
      }
    };
    const applicant = row.applicantSealed ? sealer.openJson<Applicant>(row.applicantSealed) : null;
    rehash('applicantIdHash', applicant?.idNumber ? applicant.idNumber.toUpperCase() : null);
    let documentKey = row.documentKeySealed ? sealer.open(row.documentKeySealed) : null;
    if (documentKey === null && row.documentKeyHash !== null && row.resultSealed && row.documentType) {
      const { fields } = sealer.openJson<{ fields: Fields }>(row.resultSealed);
      documentKey = documentKeyOf(row.documentType, fields);
      // Kept from now on, so the next change of the blind index key needs no fields.
      if (documentKey !== null) {
        values.documentKeySealed = sealer.seal(documentKey);
        valuesResealed++;
      }
    }
    rehash('documentKeyHash', documentKey);
    return { values, valuesResealed, hashesRewritten, unindexable };
  };
  /** The row still holds what was read: every column a rotation step reads or writes. */
  const unchangedSince = (row: Row) =>
    [...SEALED_COLUMNS, ...HASH_COLUMNS, 'erasedAt' as const].map((column) => {
      const value = row[column];
      return value === null ? isNull(verificationsTable[column]) : eq(verificationsTable[column], value);
    });

  return {
    /**
     * Key rotation over one page of rows after `afterId` (id order): every sealed value not sealed
     * with the current key is sealed again, and both blind indexes are computed again with the
     * blind index key from the opened values (the applicant's ID number; the sealed document key,
     * or for rows written before it was kept, `documentKeyOf` the sealed fields). A row is
     * rewritten only if it is unchanged since it was read, so a correction or an erasure made
     * meanwhile wins and the row is read again. `dryRun` counts without writing.
     */
    async rekeyPage(input: {
      afterId: string | null;
      limit: number;
      dryRun: boolean;
      documentKeyOf: (documentType: string, fields: Fields) => string | null;
    }): Promise<RekeyPage> {
      const rows = await db
        .select()
        .from(verificationsTable)
        .where(input.afterId ? gt(verificationsTable.id, input.afterId) : undefined)
        .orderBy(asc(verificationsTable.id))
        .limit(input.limit);
      const page: RekeyPage = {
        lastId: rows.at(-1)?.id ?? null,
        rows: rows.length,
        valuesResealed: 0,
        hashesRewritten: 0,
        unindexable: 0,
        blobKeys: [],
      };
      for (const first of rows) {
        let row: Row | undefined = first;
        for (let attempt = 0; row; attempt++) {
          if (attempt === 5) throw new Error(`verification ${row.id} kept changing during the key rotation`);
          const next = rekeyRow(row, input.documentKeyOf);
          if (next.valuesResealed + next.hashesRewritten > 0 && !input.dryRun) {
            const written = await db
              .update(verificationsTable)
              .set(next.values)
              .where(and(eq(verificationsTable.id, row.id), ...unchangedSince(row)))
              .returning({ id: verificationsTable.id });
            if (written.length === 0) {
              [row] = await db.select().from(verificationsTable).where(eq(verificationsTable.id, row.id));
              continue;
            }
          }
          page.valuesResealed += next.valuesResealed;
          page.hashesRewritten += next.hashesRewritten;
          page.unindexable += next.unindexable;
          if (row.blobKey && !page.blobKeys.includes(row.blobKey)) page.blobKeys.push(row.blobKey);
          row = undefined;
        }
      }
      return page;
    },
  };
}
