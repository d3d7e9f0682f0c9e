CREATE TABLE `subjects` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_key_id` text NOT NULL,
	`identity_sealed` text,
	`id_number_hash` text,
	`identity_registered_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `subjects_owner_idx` ON `subjects` (`owner_key_id`);--> statement-breakpoint
CREATE INDEX `subjects_id_number_idx` ON `subjects` (`id_number_hash`);--> statement-breakpoint
-- Subjects uploaded for before this migration belong to the client of their first upload; their identity is unknown until registered.
INSERT INTO `subjects` (`id`, `owner_key_id`, `created_at`, `updated_at`)
SELECT v.`subject_id`,
	(SELECT f.`client_key_id` FROM `verifications` f WHERE f.`subject_id` = v.`subject_id` ORDER BY f.`created_at`, f.`id` LIMIT 1),
	MIN(v.`created_at`), MAX(v.`created_at`)
FROM `verifications` v GROUP BY v.`subject_id`;
