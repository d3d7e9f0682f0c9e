import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(import.meta.dirname, '../..');
/**
 * tsx as a loader of this very process. `tsx/cli` would run the server in a child of its own, and
 * a SIGKILL of tsx leaves that child running: a "crash" that kills nothing.
 */
const cliArgs = (...args: string[]) => entryArgs(path.join(repoRoot, 'src/cli.ts'), ...args);
const entryArgs = (entry: string, ...args: string[]) => [
  '--import',
  pathToFileURL(require.resolve('tsx')).href,
  entry,
  ...args,
];

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  dataDir: string;
  output: () => string;
  /** Each stream alone (`output` has both): stdout is the JSON log. */
  stdout: () => string;
  stderr: () => string;
  /** Settles when the process has exited, whoever ended it. */
  exited: Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `docverify serve` as a real child process on a free port and waits until it listens.
 * `entry` runs another script instead (a test server under test/support) with the same loader.
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: { entry?: string } = {},
): Promise<ServerProcess> {
  const args = options.entry ? entryArgs(options.entry) : cliArgs('serve');
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const check = () => {
      const match = /"port":(\d+)[^\n]*docverify listening/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        // Stop scanning: a server under load logs a line per request.
        child.stdout?.off('data', check);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code, signal) =>
      reject(new Error(`server exited with ${code ?? signal} before it listened:\n${output}`)),
    );
  });
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir: path.resolve(repoRoot, env.DATA_DIR ?? process.env.DATA_DIR ?? 'data'),
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The admin key a first start on an empty data folder writes to its secrets folder (once). */
export function bootstrapAdminKey(server: ServerProcess): string {
  const file = path.join(server.dataDir, 'secrets', 'bootstrap-admin.key');
  const key = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (!key) throw new Error(`the server wrote no admin key:\n${server.output()}`);
  return key;
}

/** Runs one `docverify` command (e.g. `sweep`) to its end, with the same loader as the server. */
export async function runCli(args: string[], env: Record<string, string>) {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, cliArgs(...args), {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });
  return { stdout, stderr };
}
