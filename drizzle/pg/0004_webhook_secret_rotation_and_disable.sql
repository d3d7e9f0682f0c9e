ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret_sealed" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret_expires_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "removed_at" timestamp (3) with time zone;--> statement-breakpoint
-- Until this migration DELETE was the only writer of disabled_at: each such endpoint was removed.
UPDATE "webhook_endpoints" SET "removed_at" = "disabled_at", "disabled_at" = NULL WHERE "disabled_at" IS NOT NULL;
