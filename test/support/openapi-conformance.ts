import { z } from 'zod';

/**
 * Does a real answer match what the OpenAPI document says of it? The document's schemas are read
 * as JSON Schema 2020-12 (OpenAPI 3.1 schemas are), with every object closed: a property the
 * document does not declare is a mismatch too, so the document cannot fall behind the code. An
 * `allOf` of objects (how a zod `.extend` is written) is merged into one object first, so that
 * closing its parts does not refuse each other's properties.
 */

type Json = Record<string, unknown>;

interface ObservedResponse {
  method: string;
  /** The path as the document spells it, e.g. `/v1/verifications/{id}`. */
  schemaPath: string;
  status: number;
  headers: Headers;
  /** The body as text ('' when there is none). */
  body: string;
}

export function createConformanceChecker(document: Json) {
  const components = (document.components ?? {}) as { schemas?: Json; headers?: Record<string, Json> };
  const schemas = (components.schemas ?? {}) as Record<string, Json>;
  const prepare = (schema: unknown) => closeObjects(toDefs(mergeAllOf(schema, schemas)));
  const defs = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, prepare(schema)]));
  const validatorOf = (schema: unknown) =>
    z.fromJSONSchema({ ...(prepare(schema) as Json), $defs: defs } as z.core.JSONSchema.JSONSchema, {
      defaultTarget: 'draft-2020-12',
    });

  /** Every way this answer differs from the document; none when it matches. */
  return function mismatches(observed: ObservedResponse): string[] {
    const where = `${observed.method.toUpperCase()} ${observed.schemaPath} ${observed.status}`;
    const operation = ((document.paths as Json)[observed.schemaPath] as Json | undefined)?.[
      observed.method.toLowerCase()
    ] as Json | undefined;
    if (!operation) return [`${where}: no such operation in the document`];
    const response = (operation.responses as Record<string, Json>)[String(observed.status)];
    if (!response) return [`${where}: the status is not declared`];
    const problems: string[] = [];

    for (const [name, declared] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      const header = resolveHeader(declared, components.headers ?? {});
      const value = observed.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${where}: header ${name} is required and missing`);
        continue;
      }
      const schema = header.schema as Json;
      const typed = schema.type === 'integer' ? Number(value) : value;
      const result = validatorOf(schema).safeParse(typed);
      if (!result.success) problems.push(`${where}: header ${name}=${value}: ${result.error.message}`);
    }

    const content = response.content as Record<string, Json> | undefined;
    if (!content) {
      if (observed.body !== '') problems.push(`${where}: a body where the document declares none`);
      return problems;
    }
    const mediaType = (observed.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const declared = content[mediaType];
    if (!declared) {
      problems.push(`${where}: content-type ${mediaType} is not one of ${Object.keys(content).join(', ')}`);
      return problems;
    }
    const body = mediaType.endsWith('json') ? JSON.parse(observed.body) : observed.body;
    const result = validatorOf(declared.schema).safeParse(body);
    if (!result.success) problems.push(`${where}: body: ${result.error.message}`);
    return problems;
  };
}

/** `#/components/schemas/X` as `#/$defs/X`, where JSON Schema looks for it. */
function toDefs(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"#/$defs/'));
}

/** `allOf: [{$ref: X}, {properties}]` as one object: X's properties and required, then the later part's. */
function mergeAllOf(node: unknown, schemas: Record<string, Json>): unknown {
  if (Array.isArray(node)) return node.map((item) => mergeAllOf(item, schemas));
  if (node === null || typeof node !== 'object') return node;
  const merged: Json = {};
  for (const [key, value] of Object.entries(node)) {
    merged[key] = key === 'example' || key === 'examples' ? value : mergeAllOf(value, schemas);
  }
  if (!Array.isArray(merged.allOf)) return merged;
  const parts = (merged.allOf as Json[]).map((part) => {
    const ref = part.$ref;
    return typeof ref === 'string'
      ? (mergeAllOf(schemas[ref.replace('#/components/schemas/', '')], schemas) as Json)
      : part;
  });
  if (!parts.every((part) => part?.type === 'object' && part.properties)) return merged;
  const { allOf: _, ...rest } = merged;
  return {
    ...rest,
    type: 'object',
    properties: Object.assign({}, ...parts.map((part) => part.properties)),
    required: [...new Set(parts.flatMap((part) => (part.required as string[] | undefined) ?? []))],
  };
}

/** Objects that declare properties and say nothing of others get `additionalProperties: false`. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map((item) => closeObjects(item));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'examples') out[key] = value;
    // zod reads `uri-reference` as an absolute URL; a path such as Location's is a reference too.
    else if (key === 'format' && value === 'uri-reference') continue;
    else out[key] = closeObjects(value);
  }
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

function resolveHeader(header: Json, components: Record<string, Json>): Json {
  const ref = header.$ref;
  if (typeof ref !== 'string') return header;
  const resolved = components[ref.replace('#/components/headers/', '')];
  if (!resolved) throw new Error(`unresolved header ${ref}`);
  return resolved;
}
