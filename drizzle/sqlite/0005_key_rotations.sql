CREATE TABLE `key_rotations` (
	`id` text PRIMARY KEY NOT NULL,
	`data_key_id` text NOT NULL,
	`blind_index_key_id` text NOT NULL,
	`phase` text NOT NULL,
	`cursor` text,
	`values_resealed` integer NOT NULL,
	`hashes_rewritten` integer NOT NULL,
	`unindexable` integer NOT NULL,
	`blobs_resealed` integer NOT NULL,
	`completed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `key_rotations_keys_idx` ON `key_rotations` (`data_key_id`,`blind_index_key_id`,`completed_at`);--> statement-breakpoint
ALTER TABLE `verifications` ADD `document_key_sealed` text;