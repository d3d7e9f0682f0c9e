/**
 * The blob store port: originals are stored content-addressed, so a retried upload or a
 * duplicate costs no extra space and a key says what it holds.
 */
export interface BlobStore {
  readonly name: string;
  /**
   * Stores bytes under `key`, the sha256 of the original they hold (they may be its sealed
   * envelope, see sealed-blob-store.ts), replacing what was there; returns the key. Idempotent.
   */
  put(key: string, bytes: Buffer): Promise<string>;
  /** Throws BlobNotFoundError when absent. */
  get(key: string): Promise<Buffer>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Keys with their last-modified time, for the sweeper of orphaned blobs. */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
  /**
   * Removes half-written uploads (a crash between writing and renaming) older than `before`;
   * returns how many. Stores whose writes are atomic (S3, R2) have none and leave it out.
   */
  removeStaleTemporaries?(before: Date): Promise<number>;
}

export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(readonly key: string) {
    super(`blob ${key} not found`);
  }
}
