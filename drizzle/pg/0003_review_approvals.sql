CREATE TABLE "review_approvals" (
	"id" text PRIMARY KEY NOT NULL,
	"verification_id" text NOT NULL,
	"status" text NOT NULL,
	"proposed_verdict" text NOT NULL,
	"fields_sealed" text,
	"changed_fields" json NOT NULL,
	"note_sealed" text,
	"hard_reason_codes" json NOT NULL,
	"base_version" timestamp (3) with time zone NOT NULL,
	"proposed_by_key_id" text NOT NULL,
	"proposed_at" timestamp (3) with time zone NOT NULL,
	"decided_by_key_id" text,
	"decided_at" timestamp (3) with time zone,
	"decision_note_sealed" text
);
--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "hard_reason_codes" json;--> statement-breakpoint
CREATE INDEX "review_approvals_verification_idx" ON "review_approvals" USING btree ("verification_id","status");