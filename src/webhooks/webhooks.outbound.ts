import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isLocalhostName, isPublicAddress } from './webhooks.addresses.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name has (A and AAAA): the `resolveHost` port. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system's resolver (getaddrinfo: /etc/hosts, then DNS), as Node's own connections use it. */
export const systemResolver: HostResolver = async (hostname) =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** What an admin sees about a failed delivery: a category, never the error text (it names addresses and ports). */
export type DeliveryFailure = 'target_refused' | 'timeout' | 'connection_failed';

export class DeliveryFailed extends Error {
  override readonly name = 'DeliveryFailed';
  constructor(
    readonly failure: DeliveryFailure,
    options?: { cause?: unknown },
  ) {
    super(failure, options);
  }
}

class TargetRefused extends Error {
  override readonly name = 'TargetRefused';
}

export type WebhookTargets = ReturnType<typeof createWebhookTargets>;

/**
 * Where webhooks may go. Unless `allowPrivateTargets` (a development receiver on this machine),
 * only to public addresses: checked at registration, and again at every delivery inside the
 * connection's own lookup, so the address that passed the check is the one connected to and a
 * name that changes its answer in between (DNS rebinding) cannot slip through.
 */
export function createWebhookTargets(options: { resolve: HostResolver; allowPrivateTargets: boolean }) {
  const allowed = (address: string) => options.allowPrivateTargets || isPublicAddress(address);

  /** The addresses to connect to for a URL's host; TargetRefused if any of them is not allowed. */
  async function addressesFor(hostname: string): Promise<ResolvedAddress[]> {
    const host = hostname.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(host);
    if (family !== 0) {
      if (!allowed(host)) throw new TargetRefused();
      return [{ address: host, family: family === 6 ? 6 : 4 }];
    }
    if (!options.allowPrivateTargets && isLocalhostName(host)) throw new TargetRefused();
    const addresses = await options.resolve(host);
    if (addresses.length === 0) throw new Error(`${host} has no addresses`);
    // One internal address among public ones is enough: the connection may pick any of them.
    if (!addresses.every((a) => allowed(a.address))) throw new TargetRefused();
    return addresses;
  }

  /** For http.request: resolve through the port and hand the connection only checked addresses. */
  const checkedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    addressesFor(hostname).then(
      (found) => {
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
        const usable = found.filter((a) => wanted === 0 || a.family === wanted);
        const first = usable[0];
        if (!first) {
          callback(
            Object.assign(new Error(`${hostname} has no usable address`), { code: 'ENOTFOUND' }),
            '',
            4,
          );
        } else if (lookupOptions.all) {
          callback(null, usable);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: Error) => callback(error, '', 4),
    );
  };

  return {
    /**
     * Why a URL may not be registered, or null when it may: no credentials in it (they would be
     * sent to the receiver and shown in listings), and its host is, or resolves only to, allowed
     * addresses. A host that does not resolve is refused too.
     */
    async refusalFor(url: URL): Promise<string | null> {
      if (url.username || url.password) return 'url must not contain a user name or password';
      try {
        await addressesFor(url.hostname);
        return null;
      } catch {
        return 'url must point to a public address (its host must resolve, and only to public addresses)';
      }
    },

    /**
     * POSTs the body and answers the status code. The request goes only to a checked address,
     * follows no redirect and gives up after `timeoutMs`; failures are DeliveryFailed.
     */
    async post(url: string, request: { headers: Record<string, string>; body: string; timeoutMs: number }) {
      const target = new URL(url);
      if (target.username || target.password) throw new DeliveryFailed('target_refused');
      // Node does not call `lookup` for an IP literal: check it here.
      const literal = target.hostname.replace(/^\[(.*)\]$/, '$1');
      if (isIP(literal) !== 0 && !allowed(literal)) throw new DeliveryFailed('target_refused');
      const send = target.protocol === 'https:' ? https.request : http.request;
      return new Promise<number>((resolve, reject) => {
        const outgoing = send(
          target,
          {
            method: 'POST',
            headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
            // A fresh connection each time: no pooled socket to an address checked for another delivery.
            agent: false,
            lookup: checkedLookup,
            signal: AbortSignal.timeout(request.timeoutMs),
          },
          (response) => {
            resolve(response.statusCode ?? 0);
            // Only the status matters: do not read (or wait for) whatever the receiver sends.
            response.destroy();
          },
        );
        outgoing.on('error', (error) => reject(deliveryFailure(error)));
        outgoing.end(request.body);
      });
    },
  };
}

function deliveryFailure(error: Error): DeliveryFailed {
  if (error instanceof TargetRefused) return new DeliveryFailed('target_refused', { cause: error });
  const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
  return new DeliveryFailed(timedOut ? 'timeout' : 'connection_failed', { cause: error });
}
