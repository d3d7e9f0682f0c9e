import pino, { type Logger } from 'pino';
import { maskIdNumber, maskIdNumbersInText, maskName } from '../privacy/mask.js';

const NAME_KEYS = new Set(['name', 'applicantName']);
const ID_KEYS = new Set(['idNumber', 'applicantIdNumber']);

/** Masks personal data wherever it appears in a log record: known keys, and ID numbers in any text. */
function maskValue(key: string, value: unknown): unknown {
  if (typeof value === 'string') {
    if (NAME_KEYS.has(key)) return maskName(value);
    if (ID_KEYS.has(key)) return maskIdNumber(value);
    return maskIdNumbersInText(value);
  }
  if (Array.isArray(value)) return value.map((v) => maskValue(key, v));
  if (value && typeof value === 'object' && !(value instanceof Error)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(k, v)]));
  }
  return value;
}

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'docverify' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (record) => maskValue('', record) as Record<string, unknown>,
      },
    },
    options.destination,
  );
}
