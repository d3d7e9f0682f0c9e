import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';

/**
 * `docverify serve` whose document pipeline kills its own process in the middle of every job: the
 * stand-in for an input that takes down the process reading it (a native crash, an out-of-memory
 * kill). Each run first appends the verification id to `crashes.log` in DATA_DIR, so a test can
 * count how often the job was attempted.
 */
const config = loadConfig();
const crashLog = path.join(config.dataDir, 'crashes.log');
const server = await startServer(config, {
  pipeline: () => ({
    async process(input) {
      fs.appendFileSync(crashLog, `${input.verificationId}\n`);
      // Mid-job, not mid-request: the upload's answer has gone out by then.
      await new Promise((resolve) => setTimeout(resolve, 500));
      process.kill(process.pid, 'SIGKILL');
      return new Promise(() => {});
    },
    async close() {},
  }),
});
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
