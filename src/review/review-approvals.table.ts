import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from '../db/columns.js';

/**
 * Corrections waiting for a second reviewer: a reviewer's `verified` over a HARD reason is stored
 * here instead of being applied (the two-person rule, review.decisions.ts). The verification keeps
 * its verdict until another reviewer approves; then the correction is applied as any other.
 */
export const reviewApprovalsTable = sqliteTable(
  'review_approvals',
  {
    id: text('id').primaryKey(),
    verificationId: text('verification_id').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'sent_back', 'superseded'] }).notNull(),
    proposedVerdict: text('proposed_verdict', {
      enum: ['verified', 'rejected', 'needs_review', 'needs_retake'],
    }).notNull(),
    /** The proposed field changes, AES-256-GCM sealed JSON (they may hold a name or an ID number). */
    fieldsSealed: text('fields_sealed'),
    changedFields: text('changed_fields', { mode: 'json' }).$type<string[]>().notNull(),
    /** The proposer's note, sealed. */
    noteSealed: text('note_sealed'),
    /** The HARD reason codes that made a second approval necessary. */
    hardReasonCodes: text('hard_reason_codes', { mode: 'json' }).$type<string[]>().notNull(),
    /** The verification's version (updatedAt) the proposal was made on: approving applies it there. */
    baseVersion: timestamp('base_version').notNull(),
    proposedByKeyId: text('proposed_by_key_id').notNull(),
    proposedAt: timestamp('proposed_at').notNull(),
    decidedByKeyId: text('decided_by_key_id'),
    decidedAt: timestamp('decided_at'),
    /** The second reviewer's note (why it was sent back), sealed. */
    decisionNoteSealed: text('decision_note_sealed'),
  },
  (t) => [index('review_approvals_verification_idx').on(t.verificationId, t.status)],
);
