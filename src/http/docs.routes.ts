import crypto from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from './app-env.js';

const swaggerAssets = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The one inline script: its hash goes into the CSP, so no other inline script can run. */
const START_SWAGGER_UI =
  "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', validatorUrl: null });";

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>docverify API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui-dist/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-dist/swagger-ui-bundle.js"></script>
    <script>${START_SWAGGER_UI}</script>
  </body>
</html>
`;

/**
 * Scripts and styles from this server only (plus the start script, by hash), the spec and
 * "try it out" calls to this server only, no framing. swagger-ui draws its icons from data: URLs.
 */
const docsPolicy = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${crypto.createHash('sha256').update(START_SWAGGER_UI).digest('base64')}'`,
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The API docs page (swagger-ui) with its assets served from the installed package, never from a CDN. */
export function createDocsRoutes() {
  const router = new Hono<AppEnv>();
  router.use('/docs', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', docsPolicy);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });
  router.get('/docs', (c) => c.html(page));
  router.get('/docs/assets/swagger-ui-dist/:file{swagger-ui\\.css|swagger-ui-bundle\\.js}', async (c) => {
    const file = c.req.param('file');
    c.header(
      'content-type',
      file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
    );
    c.header('cache-control', 'public, max-age=86400');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(await readFile(path.join(swaggerAssets, file)));
  });
  return router;
}
