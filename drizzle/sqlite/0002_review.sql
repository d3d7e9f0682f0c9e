CREATE TABLE `review_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `review_sessions_expires_idx` ON `review_sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`verification_id` text NOT NULL,
	`reviewer_key_id` text NOT NULL,
	`document_type` text NOT NULL,
	`machine_verdict` text NOT NULL,
	`reviewer_verdict` text NOT NULL,
	`changed_fields` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reviews_verification_idx` ON `reviews` (`verification_id`,`created_at`);