import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { maskIdNumbersInText } from '../privacy/mask.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = (typeof LEVELS)[number];

/** One JSON line per record on the console, which Workers Logs and `wrangler tail` collect. */
export type LogSink = (line: string) => void;

/**
 * The part of pino's Logger that the shared HTTP code uses (`child`, a method per level), over
 * the console. pino itself needs Node streams; on the edge the platform keeps the lines.
 * Error messages go through the same ID-number mask as the service's logger, and nothing else
 * that could hold personal data is logged: the shared middleware logs method, path and status.
 */
export function createEdgeLogger(options: {
  level: string;
  sink?: LogSink;
  bindings?: Record<string, unknown>;
}): Logger {
  const sink = options.sink ?? ((line) => console.log(line));
  const threshold = LEVELS.indexOf(options.level as Level);
  const bindings = { service: 'docverify-edge', ...options.bindings };
  const write = (level: Level) => (record: unknown, message?: string) => {
    if (threshold < 0 || LEVELS.indexOf(level) < threshold) return;
    const fields = typeof record === 'object' && record !== null ? serialise(record) : {};
    const msg = typeof record === 'string' ? record : message;
    sink(JSON.stringify({ level, time: new Date().toISOString(), ...bindings, ...fields, msg }));
  };
  const logger = {
    level: options.level,
    child: (more: Record<string, unknown>) =>
      createEdgeLogger({ ...options, sink, bindings: { ...bindings, ...more } }),
    ...Object.fromEntries(LEVELS.map((level) => [level, write(level)])),
  };
  // Only the members above are ever called on the edge; the rest of pino's surface is absent.
  return logger as unknown as Logger;
}

function serialise(record: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [
      key,
      value instanceof Error
        ? {
            type: value.name,
            message: maskIdNumbersInText(value.message),
            ...(value.cause instanceof Error ? { cause: maskIdNumbersInText(value.cause.message) } : {}),
          }
        : typeof value === 'string'
          ? maskIdNumbersInText(value)
          : value,
    ]),
  );
}

/**
 * The request metrics the shared middleware updates, as no-ops: a Worker has no /metrics to
 * scrape; Cloudflare's own analytics count requests, statuses and durations per route.
 */
export const edgeMetrics = {
  httpRequests: { inc: () => undefined },
  httpDuration: { observe: () => undefined },
} as unknown as Metrics;
