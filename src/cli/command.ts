import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Config } from '../config.js';

/** What a command gets: its parsed arguments and the configuration (read once, after parsing). */
export interface CommandInput {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  config: Config;
}

/** One `docverify …` command. Its help is printed, and nothing run, for `--help` or `-h`. */
export interface Command {
  /** The words that name it: `['keys', 'rotate']`. */
  words: string[];
  /** What follows the words in the synopsis: `KEY_ID [--grace-period DURATION]`. */
  synopsis?: string;
  summary: string;
  /** Lines printed under the synopsis by `--help`: what it does, each option. */
  details?: string;
  options?: ParseArgsConfig['options'];
  /** How many positional arguments it takes. */
  positionals?: { min: number; max: number };
  run(input: CommandInput): Promise<number>;
}

/** Wrong arguments: printed with the command's synopsis, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function synopsisOf(command: Command): string {
  return ['docverify', ...command.words, command.synopsis].filter(Boolean).join(' ');
}

export function helpOf(command: Command): string {
  const details = command.details ? `\n${command.details.replace(/\n*$/, '\n')}` : '';
  return `Usage: ${synopsisOf(command)}\n\n${command.summary}\n${details}`;
}

/** Parses `args` strictly: an unknown option or a wrong number of arguments is a UsageError. */
export function parseCommandArgs(command: Command, args: string[]) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  const count = parsed.positionals.length;
  if (count < min) throw new UsageError('missing argument');
  if (count > max) throw new UsageError(`unexpected argument: ${parsed.positionals[max]}`);
  return parsed;
}

/** `--name value` as a string, or undefined when not given. */
export function stringOption(values: CommandInput['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A whole number above zero, or null for anything else. */
export function positiveInteger(text: string): number | null {
  return /^[1-9]\d{0,8}$/.test(text) ? Number(text) : null;
}

/** `90`, `90s`, `30m`, `24h`, `7d` in seconds; null for anything else. */
export function durationSeconds(text: string): number | null {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text);
  if (!match) return null;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/**
 * Runs until SIGTERM or SIGINT, then `stop` (finish in-flight work, close), and resolves to the
 * exit code. A second signal while stopping ends the process at once. Holds the event loop open
 * meanwhile: a worker with an empty queue has nothing else that does (the queue's timers are
 * unref'd), and would otherwise exit as soon as it found no work.
 */
export function runUntilStopped(stop: (signal: NodeJS.Signals) => Promise<void>): Promise<number> {
  const keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`docverify: ${signal} again: stopping now, without waiting for work in hand\n`);
        process.exit(1);
      }
      stopping = true;
      stop(signal)
        .then(
          () => resolve(0),
          (error: unknown) => {
            process.stderr.write(
              `docverify: could not stop cleanly: ${error instanceof Error ? error.message : error}\n`,
            );
            resolve(1);
          },
        )
        .finally(() => clearInterval(keepAlive));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
