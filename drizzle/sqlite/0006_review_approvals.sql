CREATE TABLE `review_approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`verification_id` text NOT NULL,
	`status` text NOT NULL,
	`proposed_verdict` text NOT NULL,
	`fields_sealed` text,
	`changed_fields` text NOT NULL,
	`note_sealed` text,
	`hard_reason_codes` text NOT NULL,
	`base_version` integer NOT NULL,
	`proposed_by_key_id` text NOT NULL,
	`proposed_at` integer NOT NULL,
	`decided_by_key_id` text,
	`decided_at` integer,
	`decision_note_sealed` text
);
--> statement-breakpoint
CREATE INDEX `review_approvals_verification_idx` ON `review_approvals` (`verification_id`,`status`);--> statement-breakpoint
ALTER TABLE `reviews` ADD `hard_reason_codes` text;