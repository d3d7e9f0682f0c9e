import type { Context } from 'hono';

/**
 * The scheme and host the client addressed. Behind a TLS-terminating reverse proxy they arrive in
 * X-Forwarded-Proto and X-Forwarded-Host, but any client can send those headers too: they are
 * read only when `trustProxy` (TRUST_PROXY) says a proxy that sets them stands in front. Of a
 * comma-separated list the first entry counts, the one the outermost proxy saw.
 */
export function clientFacing(c: Context, trustProxy: boolean): { https: boolean; host: string } {
  const forwarded = (name: string) =>
    trustProxy ? c.req.header(name)?.split(',')[0]?.trim() || undefined : undefined;
  const url = new URL(c.req.url);
  const protocol = forwarded('x-forwarded-proto') ?? url.protocol.replace(/:$/, '');
  const host = forwarded('x-forwarded-host') ?? c.req.header('host') ?? url.host;
  return { https: protocol.toLowerCase() === 'https', host };
}
