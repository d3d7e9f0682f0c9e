import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import type { AppEnv } from '../http/app-env.js';
import { clientFacing } from '../http/client-facing.js';
import { tokensEqual } from './review.models.js';
import { findSession, type ReviewDeps } from './review.usecases.js';
import type { ReviewSession } from './review-sessions.repository.js';

export interface ReviewEnv {
  Variables: AppEnv['Variables'] & { reviewer: ReviewSession; sessionId: string };
}

/**
 * Sessions are rows in `review_sessions` (server-side), not signed cookies: sign-out and revoking
 * the API key end a session at once, the cookie carries only a random id (its sha256 is stored),
 * and there is no signing key to rotate. The cookie is HttpOnly and SameSite=Strict, and Secure
 * (with the `__Host-` prefix) when the request came over https: directly, or through a proxy
 * when TRUST_PROXY says so.
 */
export function isHttps(c: Context, trustProxy: boolean): boolean {
  return clientFacing(c, trustProxy).https;
}

const cookieName = (c: Context, trustProxy: boolean) =>
  isHttps(c, trustProxy) ? '__Host-dv_review' : 'dv_review';

export function readSessionCookie(c: Context, trustProxy: boolean): string | undefined {
  return getCookie(c, cookieName(c, trustProxy));
}

export function writeSessionCookie(
  c: Context,
  sessionId: string,
  maxAgeSeconds: number,
  trustProxy: boolean,
) {
  setCookie(c, cookieName(c, trustProxy), sessionId, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c, trustProxy),
    path: '/',
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(c: Context, trustProxy: boolean) {
  deleteCookie(c, cookieName(c, trustProxy), { path: '/', secure: isHttps(c, trustProxy) });
}

/**
 * Strict headers on every review page: scripts and styles only from this server, no inline
 * script, no framing, no referrer, no caching of pages that show personal data. A route that
 * sets a stricter policy of its own (the original image: `sandbox`) keeps it.
 */
export const reviewSecurityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has('content-security-policy')) {
    c.header(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  }
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'no-store');
};

/**
 * First CSRF layer, for every POST under /review (sign-in included): the browser's Origin (or
 * Sec-Fetch-Site: same-origin) must be this site. The host is compared, so it holds behind a
 * TLS-terminating proxy that keeps the Host header (or, with TRUST_PROXY, sets X-Forwarded-Host).
 */
export const sameOriginPosts = (trustProxy: boolean) =>
  csrf({
    origin: (origin, c) => {
      try {
        return new URL(origin).host === clientFacing(c, trustProxy).host;
      } catch {
        return false;
      }
    },
  });

/** A signed-in reviewer, or a redirect to the sign-in page (303, keeping where they were going). */
export function requireReviewer(
  deps: Pick<ReviewDeps, 'reviewSessions' | 'clock' | 'settings'>,
): MiddlewareHandler<ReviewEnv> {
  return async (c, next) => {
    const sessionId = readSessionCookie(c, deps.settings.trustProxy);
    const session = await findSession(deps, sessionId);
    if (!session || !sessionId) {
      const next = c.req.method === 'GET' ? c.req.path : '/review';
      return c.redirect(`/review/sign-in?next=${encodeURIComponent(next)}`, 303);
    }
    c.set('reviewer', session);
    c.set('sessionId', sessionId);
    await next();
  };
}

/** Second CSRF layer: every POST form carries the session's token in `_csrf`; a missing or wrong one is 403. */
export const requireCsrfToken: MiddlewareHandler<ReviewEnv> = async (c, next) => {
  if (c.req.method === 'POST') {
    const body = await c.req.parseBody();
    const token = typeof body._csrf === 'string' ? body._csrf : undefined;
    if (!tokensEqual(token, c.get('reviewer').csrfToken)) {
      return c.text('Forbidden: the form is missing its CSRF token, or it is stale. Reload the page.', 403);
    }
  }
  await next();
};
