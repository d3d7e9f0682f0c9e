ALTER TABLE `verifications` ADD `erased_at` integer;--> statement-breakpoint
CREATE INDEX `verifications_blob_idx` ON `verifications` (`blob_key`);