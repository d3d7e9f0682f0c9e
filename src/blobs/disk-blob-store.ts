import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { blobPath, isBlobKey } from './blob-keys.js';
import { BlobNotFoundError, type BlobStore } from './blob-store.js';

/** Blobs as files under one folder, fanned out by the first two hex digits. */
export function createDiskBlobStore(root: string): BlobStore {
  const pathOf = (key: string) => path.join(root, blobPath(key));
  return {
    name: 'disk',
    async put(key, bytes) {
      const target = pathOf(key);
      // Only the service's user may read originals or list them: folders 0700, files 0600.
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      // Write then rename, so a crash never leaves a half-written blob under its final name, and a
      // blob already there is replaced whole (a key rotation rewrites it; a new upload of the same
      // file makes it fresh again, so the stray sweeper cannot take it before the new row points
      // at it). The random part keeps two uploads of the same file in the same millisecond apart.
      const temp = `${target}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
      const handle = await fs.open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, target);
      return key;
    },
    async get(key) {
      try {
        return await fs.readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
        throw error;
      }
    },
    async has(key) {
      try {
        await fs.access(pathOf(key));
        return true;
      } catch {
        return false;
      }
    },
    async delete(key) {
      await fs.rm(pathOf(key), { force: true });
    },
    async removeStaleTemporaries(before) {
      let removed = 0;
      for (const shard of await fs.readdir(root).catch(() => [] as string[])) {
        const dir = path.join(root, shard);
        for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
          if (!name.endsWith('.tmp')) continue;
          const file = path.join(dir, name);
          const stat = await fs.stat(file).catch(() => null);
          if (stat && stat.mtime < before) {
            await fs.rm(file, { force: true });
            removed++;
          }
        }
      }
      return removed;
    },
    async *list() {
      let shards: string[];
      try {
        shards = await fs.readdir(root);
      } catch {
        return;
      }
      for (const shard of shards) {
        const dir = path.join(root, shard);
        for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
          if (!isBlobKey(name)) continue;
          const stat = await fs.stat(path.join(dir, name)).catch(() => null);
          if (stat) yield { key: name, modifiedAt: stat.mtime };
        }
      }
    },
  };
}
