import { z } from '@hono/zod-openapi';
import { PROBLEM_CODES, type ProblemCode, problemBody } from './problems.js';

/** The generic parts of every route's OpenAPI declaration: problem answers, headers, id and list parameters. */

const ALL_PROBLEM_CODES = Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]];

/** A request id as src/http/middleware.ts makes them, for examples. */
export const EXAMPLE_REQUEST_ID = '5f0c6f1e-2b7a-4c1d-9e8f-3a2b1c0d9e8f';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ description: 'A URI naming the problem; one per code' }),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(ALL_PROBLEM_CODES).openapi({
      description: 'The stable code clients switch on (never on `detail`); the list is closed',
    }),
    detail: z.string().optional().openapi({ description: 'What went wrong with this request, in words' }),
    requestId: z.string().optional().openapi({ description: 'The X-Request-Id of the answer' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'VALIDATION_FAILED: one entry per invalid input' }),
  })
  .openapi('Problem');

interface HeaderObject {
  description: string;
  required?: boolean;
  schema: {
    type: 'string' | 'integer';
    format?: string;
    pattern?: string;
    enum?: string[];
    minimum?: number;
    example?: string | number;
  };
}

/**
 * Response headers, declared once under components/headers. X-Request-Id is on every answer
 * (src/http/middleware.ts); the document assembly (src/http/openapi-document.ts) adds it to each
 * response, the routes name the others where they set them.
 */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description:
      'The id of this request: the X-Request-Id it came with when that is 1–64 of A-Z a-z 0-9 . _ -, else a new UUID. A problem body names it as `requestId`.',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$', example: EXAMPLE_REQUEST_ID },
  },
  'WWW-Authenticate': {
    description:
      'The Bearer challenge (RFC 6750), with error="invalid_token" when a token was sent and refused',
    required: true,
    schema: { type: 'string', example: 'Bearer realm="docverify"' },
  },
  'Retry-After': {
    description: 'Seconds to wait: before trying again (429, 503), or before polling what was accepted (202)',
    required: true,
    schema: { type: 'integer', minimum: 0, example: 30 },
  },
  Location: {
    description: 'Where the created or accepted resource is read',
    required: true,
    schema: {
      type: 'string',
      format: 'uri-reference',
      example: '/v1/verifications/ver_0mxbewu15dU8FkOy6ybH_6A',
    },
  },
  RateLimit: {
    description:
      "This key's per-minute quota (draft-ietf-httpapi-ratelimit-headers-07): the limit, what remains and the seconds until it resets",
    schema: { type: 'string', example: 'limit=600, remaining=599, reset=60' },
  },
  'RateLimit-Policy': {
    description: 'The quota policy: requests per window of `w` seconds',
    schema: { type: 'string', example: '600;w=60' },
  },
  'Idempotent-Replayed': {
    description:
      'Present when this answers a retried upload (the same Idempotency-Key): nothing new was stored',
    schema: { type: 'string', enum: ['true'] },
  },
  'Preference-Applied': {
    description: 'RFC 7240: the wait applied, when the request sent Prefer: wait',
    schema: { type: 'string', pattern: '^wait=\\d+$', example: 'wait=10' },
  },
} satisfies Record<string, HeaderObject>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/** Response headers by reference: `responseHeaders('Location', 'Retry-After')`. */
export function responseHeaders(...names: ResponseHeaderName[]) {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

/** The headers of the routes behind `perKeyRateLimit` (src/http/rate-limit.ts). */
export const RATE_LIMIT_HEADERS = ['RateLimit', 'RateLimit-Policy'] as const satisfies ResponseHeaderName[];

type ProblemStatus = (typeof PROBLEM_CODES)[ProblemCode]['status'];

const codesWithStatus = (status: ProblemStatus) =>
  ALL_PROBLEM_CODES.filter((code) => PROBLEM_CODES[code].status === status) as [
    ProblemCode,
    ...ProblemCode[],
  ];

const headersOfStatus: Partial<Record<ProblemStatus, ResponseHeaderName[]>> = {
  401: ['WWW-Authenticate'],
  429: ['Retry-After'],
  503: ['Retry-After'],
};

/**
 * Problem answers (RFC 9457) for these statuses. Each names the codes of the closed table
 * (src/http/problems.ts) that answer with its status, with an example of each.
 */
export const problemResponses = (...statuses: ProblemStatus[]) =>
  Object.fromEntries(
    statuses.map((status) => {
      const codes = codesWithStatus(status);
      return [
        status,
        {
          description: codes.map((code) => `${code}: ${PROBLEM_CODES[code].title}`).join('; '),
          headers: responseHeaders(...(headersOfStatus[status] ?? [])),
          content: {
            'application/problem+json': {
              schema: ProblemSchema.extend({ code: z.enum(codes) }),
              examples: Object.fromEntries(
                codes.map((code) => [
                  code,
                  {
                    summary: PROBLEM_CODES[code].title,
                    value: problemBody(code, undefined, EXAMPLE_REQUEST_ID),
                  },
                ]),
              ),
            },
          },
        },
      ];
    }),
  );

/** A path parameter holding an id of this service (`ver_…`, `evt_…`, …; src/platform/clock.ts). */
export const pathId = (name: string, example: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: 'path' }, example });

export const IdParamSchema = z.object({ id: pathId('id', 'ver_0mxbewu15dU8FkOy6ybH_6A') });

export const ListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ description: 'Items per page', example: 20 }),
  cursor: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "The previous page's `nextCursor`; omit for the first page" }),
});
