CREATE TABLE `audit_records` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`subject_id` text NOT NULL,
	`action` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`actor_role` text,
	`at` integer NOT NULL,
	`before` text,
	`after` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_records_id_idx` ON `audit_records` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_records_prev_hash_idx` ON `audit_records` (`prev_hash`);--> statement-breakpoint
CREATE INDEX `audit_records_entity_idx` ON `audit_records` (`entity_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_records_subject_idx` ON `audit_records` (`subject_id`,`action`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`delivered_at` integer,
	`replay_of` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_event_idx` ON `webhook_deliveries` (`event_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_endpoint_idx` ON `webhook_deliveries` (`endpoint_id`,`status`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`description` text,
	`event_types` text NOT NULL,
	`secret_sealed` text NOT NULL,
	`created_by_key_id` text,
	`disabled_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`subject_id` text NOT NULL,
	`verification_id` text,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_events_subject_idx` ON `webhook_events` (`subject_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `verifications` ADD `revoked_at` integer;--> statement-breakpoint
ALTER TABLE `verifications` ADD `revoked_by_key_id` text;--> statement-breakpoint
ALTER TABLE `verifications` ADD `revocation_reason` text;--> statement-breakpoint
ALTER TABLE `verifications` ADD `revocation_note_sealed` text;