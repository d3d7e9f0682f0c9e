import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env.js';
import { ProblemError } from './problems.js';

/** Every router is made here, so a failed zod validation always becomes VALIDATION_FAILED problem+json. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = result.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.') || '(body)',
          message: issue.message,
        }));
        throw new ProblemError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
          errors,
        });
      }
    },
  });
}
