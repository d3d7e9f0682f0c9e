import type { DocumentModule } from '../documents/document-module.js';
import type { Fields } from '../documents/document-types.js';
import { type Reason, reason } from '../verdicts/reasons.js';

/**
 * The result carries only values in the contract's formats: a value the validators have judged
 * (e.g. a printed total of 755, SCORE_OUT_OF_RANGE) is reported as null, and stays visible as read
 * in its evidence. A blanked field no reason speaks of gets FIELD_FORMAT_INVALID, added to `reasons`.
 */
export function withinContract(module: DocumentModule, fields: Fields, reasons: Reason[]): Fields {
  const shape = module.schema.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
  const result: Fields = {};
  for (const [name, value] of Object.entries(fields)) {
    const valid = value === null || !shape[name] || shape[name].safeParse(value).success;
    result[name] = valid ? value : null;
    if (!valid && !reasons.some((r) => r.field === name && r.severity !== 'info')) {
      reasons.push(
        reason('FIELD_FORMAT_INVALID', 'soft', `${name} as read is not a valid value`, { field: name }),
      );
    }
  }
  return result;
}
