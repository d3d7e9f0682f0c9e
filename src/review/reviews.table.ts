import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from '../db/columns.js';

/**
 * One row per reviewer decision on a verification: what the machine said, what the reviewer
 * said, which fields they changed. The team's metrics (agreement, corrections per field) and the
 * quality-check sample's "already reviewed" come from here. No personal data: field names only.
 */
export const reviewsTable = sqliteTable(
  'reviews',
  {
    id: text('id').primaryKey(),
    verificationId: text('verification_id').notNull(),
    reviewerKeyId: text('reviewer_key_id').notNull(),
    documentType: text('document_type').notNull(),
    machineVerdict: text('machine_verdict').notNull(),
    reviewerVerdict: text('reviewer_verdict').notNull(),
    changedFields: text('changed_fields', { mode: 'json' }).$type<string[]>().notNull(),
    /**
     * The HARD reason codes the case had before this review (null on rows written before this
     * column). A later `verified` of the case needs a second reviewer even after a correction
     * cleared them: otherwise fixing the fields first and saving `verified` second would bypass it.
     */
    hardReasonCodes: text('hard_reason_codes', { mode: 'json' }).$type<string[]>(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('reviews_verification_idx').on(t.verificationId, t.createdAt)],
);
