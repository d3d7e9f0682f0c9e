import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBlobStoreContract } from './blob-stores.test-suite.js';
import { createDiskBlobStore } from './disk-blob-store.js';

runBlobStoreContract('disk', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'blobs-'));
  return {
    store: createDiskBlobStore(root),
    cleanup: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
});
