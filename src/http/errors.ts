import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './app-env.js';
import { bearerChallenge } from './middleware.js';
import { PROBLEM_CODES, type ProblemCode, ProblemError, problemBody } from './problems.js';

/** The one place errors become responses: problem+json with a stable code, never a stack. */
export function problemResponse(c: Context<AppEnv>, error: unknown): Response {
  const requestId = c.get('requestId');
  let code: ProblemCode = 'INTERNAL';
  let detail: string | undefined;
  let extra: ProblemError['extra'] = {};
  if (error instanceof ProblemError) {
    code = error.code;
    detail = error.detail;
    extra = error.extra;
  } else if (error instanceof HTTPException) {
    code = codeForStatus(error.status);
  } else {
    c.get('logger')?.error({ err: error }, 'unhandled error');
  }
  const body = problemBody(code, detail, requestId);
  if (extra.errors) body.errors = extra.errors;
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (extra.retryAfterSeconds !== undefined) headers['retry-after'] = String(extra.retryAfterSeconds);
  if (code === 'UNAUTHORIZED') headers['www-authenticate'] = bearerChallenge(c.req.header('authorization'));
  return new Response(JSON.stringify(body), { status: PROBLEM_CODES[code].status, headers });
}

function codeForStatus(status: number): ProblemCode {
  switch (status) {
    case 400:
      return 'VALIDATION_FAILED';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 503:
      return 'OVERLOADED';
    default:
      return 'INTERNAL';
  }
}
