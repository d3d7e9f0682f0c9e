import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { testPostgresDatabase } from './test-services.js';

/**
 * The databases a repository's contract runs on: a fresh SQLite file always, and a fresh schema
 * on TEST_DATABASE_URL's PostgreSQL when it is set (`npm run test:pg` sets it). For `describe.each`.
 */
export const databaseTargets: {
  name: string;
  skip: boolean;
  open(): Promise<{ database: DatabaseHandle; drop(): Promise<void> }>;
}[] = [
  {
    name: 'sqlite',
    skip: false,
    open: async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-contract-'));
      const database = await openDatabase(`file:${path.join(dir, 'db.sqlite')}`);
      return { database, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    skip: !process.env.TEST_DATABASE_URL,
    open: async () => {
      const target = testPostgresDatabase();
      if (!target) throw new Error('TEST_DATABASE_URL is not set');
      return { database: await openDatabase(target.url), drop: target.drop };
    },
  },
];
