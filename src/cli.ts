import fs from 'node:fs';
import { auditCommands } from './cli/audit.commands.js';
import { type Command, helpOf, parseCommandArgs, synopsisOf, UsageError } from './cli/command.js';
import { keysCommands } from './cli/keys.commands.js';
import { serviceCommands } from './cli/service.commands.js';
import { ConfigError, loadConfig } from './config.js';
import { ProblemError } from './http/problems.js';
import { ListenError } from './server.errors.js';

const COMMANDS: Command[] = [...serviceCommands, ...keysCommands, ...auditCommands];

/** The commands under a group word (`keys`, `audit`), or every command for none. */
function overview(group?: string): string {
  const listed = COMMANDS.filter((c) => group === undefined || c.words[0] === group);
  const lines = listed.map((c) => {
    const [first = '', ...rest] = c.summary.split('\n');
    return [
      `  ${synopsisOf(c).replace(/^docverify /, '')}`,
      `      ${first}`,
      ...rest.map((l) => `      ${l}`),
    ].join('\n');
  });
  const head = group ? `Usage: docverify ${group} <command>` : 'Usage: docverify <command> [options]';
  const tail = group
    ? `\n\`docverify ${group} <command> --help\` describes one command.\n`
    : '\n`docverify <command> --help` describes one command; `docverify --version` prints the version.\n' +
      'Settings come from the environment (README, "Configuration").\n';
  return `${head}\n\n${lines.join('\n')}\n${tail}`;
}

/** The command named by the leading words of `argv`, and the arguments after them. */
function findCommand(argv: string[]): { command: Command; args: string[] } | null {
  for (const command of COMMANDS) {
    if (command.words.every((word, i) => argv[i] === word)) {
      return { command, args: argv.slice(command.words.length) };
    }
  }
  return null;
}

function packageVersion(): string {
  const file = new URL('../package.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * `docverify …`. Commands load the service's modules when they run (dynamic imports), so help is
 * quick. Help (`--help`, `-h`, `help`) and `--version` are answered before anything else:
 * no configuration read, nothing opened, created or run.
 */
async function main(argv: string[]): Promise<number> {
  // Options after `--` are arguments, not requests for help.
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const wantsHelp = options.includes('--help') || options.includes('-h');
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (first === 'help') return main([...rest, '--help']);
  const found = findCommand(argv);
  const isGroup = first !== undefined && COMMANDS.some((c) => c.words.length > 1 && c.words[0] === first);
  if (wantsHelp) {
    process.stdout.write(found ? helpOf(found.command) : overview(isGroup ? first : undefined));
    return 0;
  }
  if (!found) {
    if (first === undefined) {
      process.stdout.write(overview());
      return 0;
    }
    // `keys` alone names a group, not a command: the answer is its list, as a usage error.
    const unknown = isGroup ? (rest[0] === undefined ? null : `${first} ${rest[0]}`) : first;
    const message = unknown ? `docverify: unknown command: ${unknown}\n\n` : '';
    process.stderr.write(`${message}${overview(isGroup ? first : undefined)}`);
    return 2;
  }
  const { command, args } = found;
  let parsed: ReturnType<typeof parseCommandArgs>;
  try {
    parsed = parseCommandArgs(command, args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageFailure(command, error);
  }
  const config = loadConfig();
  try {
    return await command.run({ values: parsed.values, positionals: parsed.positionals, config });
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(command, error);
    throw error;
  }
}

function usageFailure(command: Command, error: UsageError): number {
  process.stderr.write(
    `docverify: ${error.message}\nUsage: ${synopsisOf(command)}\n(\`docverify ${command.words.join(' ')} --help\` for more)\n`,
  );
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Failures an operator can act on are one line; anything else keeps its stack for a bug report.
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof ListenError || error instanceof ProblemError)
      process.stderr.write(`docverify: ${error.message}\n`);
    else
      process.stderr.write(`docverify: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(1);
  },
);
