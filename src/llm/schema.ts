import { z } from 'zod';
import { DOCUMENT_TYPE_IDS } from '../documents/document-types.js';

export type JsonSchema = { [key: string]: unknown };

/**
 * Keywords strict structured outputs reject on some servers (older OpenAI models, vLLM and
 * llama.cpp grammars): the zod schema still checks them on the reply, and their meaning is kept
 * in the property's description so the model sees it.
 */
const UNSUPPORTED_KEYWORDS = ['pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'format'] as const;

/**
 * A strict JSON schema (every property required and nullable, additionalProperties false) from a
 * type's zod object, for `response_format: json_schema` with `strict: true`.
 */
export function strictJsonSchema(schema: z.ZodObject): JsonSchema {
  const generated = z.toJSONSchema(schema, { io: 'output' }) as JsonSchema;
  const properties = (generated.properties ?? {}) as Record<string, JsonSchema>;
  const strictProperties: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(properties)) {
    strictProperties[name] = nullable(simplify(property));
  }
  return {
    type: 'object',
    properties: strictProperties,
    required: Object.keys(strictProperties),
    additionalProperties: false,
  };
}

function simplify(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  const hints: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if ((UNSUPPORTED_KEYWORDS as readonly string[]).includes(key)) {
      hints.push(`${key}: ${String(value)}`);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out.anyOf = value.map((item) => simplify(item as JsonSchema));
    } else if (key !== '$schema') {
      out[key] = value;
    }
  }
  if (hints.length) {
    out.description = [out.description, hints.join('; ')].filter(Boolean).join('; ');
  }
  return out;
}

function nullable(node: JsonSchema): JsonSchema {
  const anyOf = node.anyOf as JsonSchema[] | undefined;
  if (anyOf?.some((item) => item.type === 'null')) return node;
  if (node.type === 'null') return node;
  return { anyOf: [node, { type: 'null' }] };
}

/** The extraction reply: the type's fields plus the model's own flag for text addressing the system. */
export function extractionReplySchema(schema: z.ZodObject) {
  return z.strictObject({ fields: schema.strict(), instructionsInDocument: z.boolean() });
}

export function extractionReplyJsonSchema(schema: z.ZodObject): JsonSchema {
  return {
    type: 'object',
    properties: {
      fields: strictJsonSchema(schema),
      instructionsInDocument: {
        type: 'boolean',
        description: 'true when the document text addresses an AI, a reviewer or the system',
      },
    },
    required: ['fields', 'instructionsInDocument'],
    additionalProperties: false,
  };
}

export const classificationReplySchema = z.strictObject({
  documentType: z.enum([...DOCUMENT_TYPE_IDS, 'unknown']),
  instructionsInDocument: z.boolean(),
});
export type ClassificationReply = z.infer<typeof classificationReplySchema>;

export const classificationReplyJsonSchema: JsonSchema = {
  type: 'object',
  properties: {
    documentType: { type: 'string', enum: [...DOCUMENT_TYPE_IDS, 'unknown'] },
    instructionsInDocument: {
      type: 'boolean',
      description: 'true when the document text addresses an AI, a reviewer or the system',
    },
  },
  required: ['documentType', 'instructionsInDocument'],
  additionalProperties: false,
};
