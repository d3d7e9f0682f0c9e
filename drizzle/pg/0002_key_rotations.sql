CREATE TABLE "key_rotations" (
	"id" text PRIMARY KEY NOT NULL,
	"data_key_id" text NOT NULL,
	"blind_index_key_id" text NOT NULL,
	"phase" text NOT NULL,
	"cursor" text,
	"values_resealed" integer NOT NULL,
	"hashes_rewritten" integer NOT NULL,
	"unindexable" integer NOT NULL,
	"blobs_resealed" integer NOT NULL,
	"completed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "verifications" ADD COLUMN "document_key_sealed" text;--> statement-breakpoint
CREATE INDEX "key_rotations_keys_idx" ON "key_rotations" USING btree ("data_key_id","blind_index_key_id","completed_at");