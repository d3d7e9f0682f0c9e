CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`name` text,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_role_idx` ON `api_keys` (`role`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`subject_ref` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`run_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`finished_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_claim_idx` ON `jobs` (`status`,`run_at`);--> statement-breakpoint
CREATE INDEX `jobs_subject_idx` ON `jobs` (`subject_ref`);--> statement-breakpoint
CREATE TABLE `verifications` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_id` text NOT NULL,
	`client_key_id` text NOT NULL,
	`idempotency_key` text,
	`status` text NOT NULL,
	`document_type_hint` text,
	`applicant_sealed` text,
	`applicant_id_hash` text,
	`file_sha256` text NOT NULL,
	`file_mime` text NOT NULL,
	`file_bytes` integer NOT NULL,
	`blob_key` text,
	`perceptual_hash` text,
	`document_key_hash` text,
	`document_type` text,
	`verdict` text,
	`confidence` real,
	`result_sealed` text,
	`reasons` text,
	`versions` text,
	`timings_ms` text,
	`failure_code` text,
	`completed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `verifications_subject_idx` ON `verifications` (`subject_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `verifications_sha_idx` ON `verifications` (`file_sha256`);--> statement-breakpoint
CREATE INDEX `verifications_phash_idx` ON `verifications` (`perceptual_hash`);--> statement-breakpoint
CREATE INDEX `verifications_document_key_idx` ON `verifications` (`document_key_hash`);--> statement-breakpoint
CREATE INDEX `verifications_status_idx` ON `verifications` (`status`,`verdict`);--> statement-breakpoint
CREATE UNIQUE INDEX `verifications_idempotency_idx` ON `verifications` (`client_key_id`,`idempotency_key`);