import type { ExecutionContext } from 'hono';
import { createEdgeApp, type EdgeApp } from './edge-app.js';
import { buildEdgeServices, type EdgeEnv } from './edge-services.js';

/**
 * The services are built once per isolate, on its first request (a Worker sees its bindings and
 * secrets only then), and kept for as long as the isolate lives.
 */
const apps = new WeakMap<EdgeEnv, EdgeApp>();

function appFor(env: EdgeEnv): EdgeApp {
  let app = apps.get(env);
  if (!app) {
    app = createEdgeApp(buildEdgeServices(env));
    apps.set(env, app);
  }
  return app;
}

export default {
  fetch: (request: Request, env: EdgeEnv, ctx: ExecutionContext) => appFor(env).fetch(request, env, ctx),
};
