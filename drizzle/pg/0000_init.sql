CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"name" text,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_records" (
	"seq" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_records_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"id" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"action" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"actor_role" text,
	"at" timestamp (3) with time zone NOT NULL,
	"before" text,
	"after" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"subject_ref" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"run_at" timestamp (3) with time zone NOT NULL,
	"lease_until" timestamp (3) with time zone,
	"last_error" text,
	"finished_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"key_id" text NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"id" text PRIMARY KEY NOT NULL,
	"verification_id" text NOT NULL,
	"reviewer_key_id" text NOT NULL,
	"document_type" text NOT NULL,
	"machine_verdict" text NOT NULL,
	"reviewer_verdict" text NOT NULL,
	"changed_fields" json NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "verifications" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"client_key_id" text NOT NULL,
	"idempotency_key" text,
	"status" text NOT NULL,
	"document_type_hint" text,
	"applicant_sealed" text,
	"applicant_id_hash" text,
	"file_sha256" text NOT NULL,
	"file_mime" text NOT NULL,
	"file_bytes" integer NOT NULL,
	"blob_key" text,
	"perceptual_hash" text,
	"document_key_hash" text,
	"document_type" text,
	"verdict" text,
	"confidence" double precision,
	"result_sealed" text,
	"reasons" json,
	"versions" json,
	"timings_ms" json,
	"failure_code" text,
	"completed_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	"revoked_by_key_id" text,
	"revocation_reason" text,
	"revocation_note_sealed" text,
	"erased_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"delivered_at" timestamp (3) with time zone,
	"replay_of" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"event_types" json NOT NULL,
	"secret_sealed" text NOT NULL,
	"created_by_key_id" text,
	"disabled_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"subject_id" text NOT NULL,
	"verification_id" text,
	"body" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "api_keys_role_idx" ON "api_keys" USING btree ("role");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_records_id_idx" ON "audit_records" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_records_prev_hash_idx" ON "audit_records" USING btree ("prev_hash");--> statement-breakpoint
CREATE INDEX "audit_records_entity_idx" ON "audit_records" USING btree ("entity_id","seq");--> statement-breakpoint
CREATE INDEX "audit_records_subject_idx" ON "audit_records" USING btree ("subject_id","action");--> statement-breakpoint
CREATE INDEX "jobs_claim_idx" ON "jobs" USING btree ("status","run_at");--> statement-breakpoint
CREATE INDEX "jobs_subject_idx" ON "jobs" USING btree ("subject_ref");--> statement-breakpoint
CREATE INDEX "review_sessions_expires_idx" ON "review_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "reviews_verification_idx" ON "reviews" USING btree ("verification_id","created_at");--> statement-breakpoint
CREATE INDEX "verifications_subject_idx" ON "verifications" USING btree ("subject_id","created_at");--> statement-breakpoint
CREATE INDEX "verifications_sha_idx" ON "verifications" USING btree ("file_sha256");--> statement-breakpoint
CREATE INDEX "verifications_blob_idx" ON "verifications" USING btree ("blob_key");--> statement-breakpoint
CREATE INDEX "verifications_phash_idx" ON "verifications" USING btree ("perceptual_hash");--> statement-breakpoint
CREATE INDEX "verifications_document_key_idx" ON "verifications" USING btree ("document_key_hash");--> statement-breakpoint
CREATE INDEX "verifications_status_idx" ON "verifications" USING btree ("status","verdict");--> statement-breakpoint
CREATE UNIQUE INDEX "verifications_idempotency_idx" ON "verifications" USING btree ("client_key_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_event_idx" ON "webhook_deliveries" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("endpoint_id","status");--> statement-breakpoint
CREATE INDEX "webhook_events_subject_idx" ON "webhook_events" USING btree ("subject_id","created_at");