const KEY = /^[0-9a-f]{64}$/;
const RELATIVE_PATH = /^([0-9a-f]{2})\/([0-9a-f]{64})$/;

/** A blob key is the lowercase hex sha256 of its bytes, nothing else (so no key can traverse a path). */
export function isBlobKey(key: string): boolean {
  return KEY.test(key);
}

/**
 * Where a blob lives below a store's root: `ab/abcdef…`, fanned out by the first two hex digits.
 * The disk and S3 stores share this layout, so `aws s3 sync $BLOB_DIR s3://bucket/prefix` moves a store.
 * Throws for anything that is not a blob key.
 */
export function blobPath(key: string): string {
  if (!isBlobKey(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
  return `${key.slice(0, 2)}/${key}`;
}

/** The key stored at a path written by blobPath, or null for anything else (temp files, foreign objects). */
export function blobKeyAt(relativePath: string): string | null {
  const match = RELATIVE_PATH.exec(relativePath);
  return match?.[2]?.startsWith(match[1] ?? '-') ? match[2] : null;
}
