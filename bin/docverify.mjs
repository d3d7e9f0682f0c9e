#!/usr/bin/env node
// The `docverify` command: runs the TypeScript CLI through tsx, so `npx docverify …` works from a clone.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
// tsx as a loader of the child itself (not `tsx/cli`, which would add a process of its own), and
// SIGTERM/SIGINT passed on to it: a process manager stopping this process stops the service
// gracefully instead of leaving it running orphaned.
const child = spawn(
  process.execPath,
  ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(here, '..', 'src', 'cli.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
// Ctrl-C reaches the child from the terminal itself (same process group); passing it on as well
// would be a second signal, which the CLI takes as "stop now". This process only waits for it.
process.on('SIGINT', () => undefined);
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal] ?? 9) : 1));
});
