import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { type DatabaseHandle, exclusively, type Tables } from '../db/database-port.js';
import type { Applicant, FieldEvidence, Fields } from '../documents/document-types.js';
import type { Sealer } from '../privacy/sealer.js';
import type { Verdict } from '../verdicts/decide.js';
import type { Reason } from '../verdicts/reasons.js';
import type {
  Revocation,
  RevocationReason,
  Verification,
  VerificationOutcome,
} from './verifications.models.js';

type Row = Tables['verificationsTable']['$inferSelect'];

/** A reason's message may quote a value (a birth date, a printed name): after erasure codes stay, words go. */
const anonymousReason = ({ code, severity, field }: Reason): Reason => ({
  code,
  severity,
  ...(field ? { field } : {}),
  message: code,
});

export type VerificationsRepository = ReturnType<typeof createVerificationsRepository>;

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

/** Names and ID numbers are sealed here, at the storage boundary, and nowhere else. */
export function createVerificationsRepository(database: DatabaseHandle, sealer: Sealer) {
  const { db } = database;
  const { verificationsTable } = database.tables;
  const unfinished = (id: string) =>
    and(
      eq(verificationsTable.id, id),
      ne(verificationsTable.status, 'completed'),
      ne(verificationsTable.status, 'failed'),
    );
  const toModel = (row: Row): Verification => {
    const sealed = row.resultSealed
      ? sealer.openJson<{ fields: Fields; evidence: Record<string, FieldEvidence> }>(row.resultSealed)
      : null;
    const outcome: VerificationOutcome | null =
      row.verdict && row.documentType
        ? {
            documentType: row.documentType as VerificationOutcome['documentType'],
            fields: sealed?.fields ?? {},
            evidence: sealed?.evidence ?? {},
            verdict: row.verdict,
            confidence: row.confidence ?? 0,
            reasons: (row.reasons ?? []) as Reason[],
            versions: row.versions ?? {},
            timingsMs: row.timingsMs ?? {},
            perceptualHash: row.perceptualHash,
            documentKey: null,
          }
        : null;
    return {
      id: row.id,
      subjectId: row.subjectId,
      clientKeyId: row.clientKeyId,
      idempotencyKey: row.idempotencyKey,
      status: row.status,
      documentTypeHint: row.documentTypeHint,
      applicant: row.applicantSealed ? sealer.openJson<Applicant>(row.applicantSealed) : null,
      fileSha256: row.fileSha256,
      fileMime: row.fileMime,
      fileBytes: row.fileBytes,
      blobKey: row.blobKey,
      outcome,
      failureCode: row.failureCode,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      completedAt: row.completedAt,
      revocation: row.revokedAt
        ? {
            at: row.revokedAt,
            byKeyId: row.revokedByKeyId,
            reason: (row.revocationReason ?? 'other') as RevocationReason,
            note: row.revocationNoteSealed ? sealer.open(row.revocationNoteSealed) : null,
          }
        : null,
      erasedAt: row.erasedAt,
    };
  };

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

  return exclusively(database, {
    /** The verification and its processing job, in one transaction: an accepted upload is never lost. */
    /** Callers insert it in the transaction that enqueues its job: an accepted upload is never lost. */
    async insert(
      v: Omit<Verification, 'outcome' | 'failureCode' | 'completedAt' | 'revocation' | 'erasedAt'>,
    ): Promise<void> {
      await db.insert(verificationsTable).values({
        id: v.id,
        subjectId: v.subjectId,
        clientKeyId: v.clientKeyId,
        idempotencyKey: v.idempotencyKey,
        status: v.status,
        documentTypeHint: v.documentTypeHint,
        applicantSealed: v.applicant ? sealer.sealJson(v.applicant) : null,
        applicantIdHash: v.applicant?.idNumber ? sealer.blindIndex(v.applicant.idNumber.toUpperCase()) : null,
        fileSha256: v.fileSha256,
        fileMime: v.fileMime,
        fileBytes: v.fileBytes,
        blobKey: v.blobKey,
        createdAt: v.createdAt,
        updatedAt: v.updatedAt,
      });
    },

    async findById(id: string): Promise<Verification | null> {
      const [row] = await db.select().from(verificationsTable).where(eq(verificationsTable.id, id)).limit(1);
      return row ? toModel(row) : null;
    },

    async findByIdempotencyKey(clientKeyId: string, key: string): Promise<Verification | null> {
      const [row] = await db
        .select()
        .from(verificationsTable)
        .where(
          and(eq(verificationsTable.clientKeyId, clientKeyId), eq(verificationsTable.idempotencyKey, key)),
        )
        .limit(1);
      return row ? toModel(row) : null;
    },

    /** Newest first; the cursor is the id of the last item of the previous page. */
    async listBySubject(input: {
      subjectId: string;
      clientKeyId: string | null;
      limit: number;
      cursor: string | null;
    }): Promise<{ items: Verification[]; nextCursor: string | null }> {
      const filters = [eq(verificationsTable.subjectId, input.subjectId)];
      if (input.clientKeyId) filters.push(eq(verificationsTable.clientKeyId, input.clientKeyId));
      if (input.cursor) {
        const [last] = await db
          .select({ createdAt: verificationsTable.createdAt, id: verificationsTable.id })
          .from(verificationsTable)
          .where(eq(verificationsTable.id, input.cursor))
          .limit(1);
        if (last) {
          const before = or(
            lt(verificationsTable.createdAt, last.createdAt),
            and(eq(verificationsTable.createdAt, last.createdAt), lt(verificationsTable.id, last.id)),
          );
          if (before) filters.push(before);
        }
      }
      const rows = await db
        .select()
        .from(verificationsTable)
        .where(and(...filters))
        .orderBy(desc(verificationsTable.createdAt), desc(verificationsTable.id))
        .limit(input.limit + 1);
      const page = rows.slice(0, input.limit).map(toModel);
      return { items: page, nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
    },

    /** Every verification of a subject, oldest first: the evidence for an eligibility decision. */
    async listAllForSubject(subjectId: string): Promise<Verification[]> {
      const rows = await db
        .select()
        .from(verificationsTable)
        .where(eq(verificationsTable.subjectId, subjectId))
        .orderBy(asc(verificationsTable.createdAt), asc(verificationsTable.id));
      return rows.map(toModel);
    },

    /** False when it was already revoked (a verification is revoked at most once) or erased. */
    async revoke(id: string, revocation: Revocation): Promise<boolean> {
      const updated = await db
        .update(verificationsTable)
        .set({
          revokedAt: revocation.at,
          revokedByKeyId: revocation.byKeyId,
          revocationReason: revocation.reason,
          revocationNoteSealed: revocation.note ? sealer.seal(revocation.note) : null,
          updatedAt: revocation.at,
        })
        .where(
          and(
            eq(verificationsTable.id, id),
            isNull(verificationsTable.revokedAt),
            isNull(verificationsTable.erasedAt),
          ),
        )
        .returning({ id: verificationsTable.id });
      return updated.length > 0;
    },

    /**
     * A reviewer's correction of the verdict and/or fields (the reviewer's evidence source), with
     * the re-validated reasons when given. With `expectedUpdatedAt` it is a compare-and-set: false
     * when the row changed since that version (optimistic locking).
     */
    async applyCorrection(
      id: string,
      correction: {
        verdict: Verdict;
        fields: Fields;
        evidence: Record<string, FieldEvidence>;
        reasons?: Reason[];
      },
      now: Date,
      expectedUpdatedAt?: Date,
    ): Promise<boolean> {
      // An erased row takes no correction: it would bring the person back.
      const where = expectedUpdatedAt
        ? and(
            eq(verificationsTable.id, id),
            eq(verificationsTable.updatedAt, expectedUpdatedAt),
            isNull(verificationsTable.erasedAt),
          )
        : and(eq(verificationsTable.id, id), isNull(verificationsTable.erasedAt));
      const updated = await db
        .update(verificationsTable)
        .set({
          verdict: correction.verdict,
          resultSealed: sealer.sealJson({ fields: correction.fields, evidence: correction.evidence }),
          ...(correction.reasons ? { reasons: correction.reasons } : {}),
          updatedAt: now,
        })
        .where(where)
        .returning({ id: verificationsTable.id });
      return updated.length > 0;
    },

    async countBySubjectSince(subjectId: string, since: Date): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(verificationsTable)
        .where(and(eq(verificationsTable.subjectId, subjectId), gte(verificationsTable.createdAt, since)));
      return Number(row?.n ?? 0);
    },

    async markProcessing(id: string, now: Date): Promise<void> {
      await db
        .update(verificationsTable)
        .set({ status: 'processing', updatedAt: now })
        .where(and(eq(verificationsTable.id, id), eq(verificationsTable.status, 'queued')));
    },

    /**
     * Stores the outcome. When the subject was erased while the document was being read, keeps the
     * verdict, not the data: the full outcome is written only while the row is still unerased (one
     * conditional statement, so an erasure that commits meanwhile is never overwritten), and the
     * anonymous one otherwise.
     */
    /**
     * Stores the verdict, once: false when the verification is already finished (a retried job
     * whose first worker was only slow), so a document never gets two verdicts.
     */
    async complete(id: string, outcome: VerificationOutcome, now: Date): Promise<boolean> {
      const common = {
        status: 'completed' as const,
        documentType: outcome.documentType,
        verdict: outcome.verdict,
        confidence: outcome.confidence,
        versions: outcome.versions,
        timingsMs: outcome.timingsMs,
        failureCode: null,
        completedAt: now,
        updatedAt: now,
      };
      const written = await db
        .update(verificationsTable)
        .set({
          ...common,
          resultSealed: sealer.sealJson({ fields: outcome.fields, evidence: outcome.evidence }),
          reasons: outcome.reasons,
          perceptualHash: outcome.perceptualHash,
          documentKeyHash: outcome.documentKey ? sealer.blindIndex(outcome.documentKey) : null,
          documentKeySealed: outcome.documentKey ? sealer.seal(outcome.documentKey) : null,
        })
        .where(and(unfinished(id), isNull(verificationsTable.erasedAt)))
        .returning({ id: verificationsTable.id });
      if (written.length > 0) return true;
      const anonymous = await db
        .update(verificationsTable)
        .set({
          ...common,
          resultSealed: null,
          reasons: outcome.reasons.map(anonymousReason),
          perceptualHash: null,
          documentKeyHash: null,
          documentKeySealed: null,
        })
        .where(unfinished(id))
        .returning({ id: verificationsTable.id });
      return anonymous.length > 0;
    },

    /** False when the verification already has its final state. */
    async markFailed(id: string, code: string, now: Date): Promise<boolean> {
      const written = await db
        .update(verificationsTable)
        .set({ status: 'failed', failureCode: code, completedAt: now, updatedAt: now })
        .where(unfinished(id))
        .returning({ id: verificationsTable.id });
      return written.length > 0;
    },

    /**
     * Erases a subject's personal data (PIPL): applicant, extracted fields and evidence, the
     * revocation note, keyed hashes and the link to the original. Verdict, type and reason codes
     * stay, so statistics and the audit chain remain valid. Returns the erased rows' ids and blob keys.
     */
    async eraseSubject(
      subjectId: string,
      now: Date,
    ): Promise<{ erased: number; verificationIds: string[]; blobKeys: string[] }> {
      return database.transaction(async () => {
        const rows = await db
          .select({
            id: verificationsTable.id,
            blobKey: verificationsTable.blobKey,
            reasons: verificationsTable.reasons,
          })
          .from(verificationsTable)
          .where(eq(verificationsTable.subjectId, subjectId));
        for (const row of rows) {
          const reasons = ((row.reasons ?? []) as Reason[]).map(anonymousReason);
          await db
            .update(verificationsTable)
            .set({
              applicantSealed: null,
              applicantIdHash: null,
              resultSealed: null,
              revocationNoteSealed: null,
              documentKeyHash: null,
              documentKeySealed: null,
              perceptualHash: null,
              idempotencyKey: null,
              blobKey: null,
              reasons,
              erasedAt: now,
              updatedAt: now,
            })
            .where(eq(verificationsTable.id, row.id));
        }
        const blobKeys = [...new Set(rows.map((r) => r.blobKey).filter((k): k is string => k !== null))];
        return { erased: rows.length, verificationIds: rows.map((r) => r.id), blobKeys };
      });
    },

    /** Whether any verification still points at the blob (content addressing lets several share one). */
    async isBlobReferenced(blobKey: string): Promise<boolean> {
      const rows = await db
        .select({ id: verificationsTable.id })
        .from(verificationsTable)
        .where(eq(verificationsTable.blobKey, blobKey))
        .limit(1);
      return rows.length > 0;
    },

    /** Completed or failed verifications finished before `before` that still hold their original. */
    async listExpiredBlobs(
      before: Date,
      limit: number,
    ): Promise<{ id: string; subjectId: string; blobKey: string }[]> {
      const rows = await db
        .select({
          id: verificationsTable.id,
          subjectId: verificationsTable.subjectId,
          blobKey: verificationsTable.blobKey,
        })
        .from(verificationsTable)
        .where(
          and(
            or(eq(verificationsTable.status, 'completed'), eq(verificationsTable.status, 'failed')),
            lt(verificationsTable.completedAt, before),
            isNotNull(verificationsTable.blobKey),
          ),
        )
        .limit(limit);
      return rows.filter((r): r is { id: string; subjectId: string; blobKey: string } => r.blobKey !== null);
    },

    /** Drops the link to the original; the verdict stays. */
    async clearBlob(id: string, now: Date): Promise<void> {
      await db
        .update(verificationsTable)
        .set({ blobKey: null, updatedAt: now })
        .where(eq(verificationsTable.id, id));
    },

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
  });
}
