import { isIP } from 'node:net';
import type { HostResolver } from './webhooks.outbound.js';

/**
 * A scripted name server for the `resolveHost` port: names answer with the addresses given (and
 * may be changed meanwhile, as a rebinding attacker's name server would); others do not resolve.
 */
export function fakeDns(records: Record<string, string[]>) {
  const table = new Map(Object.entries(records));
  const resolve: HostResolver = async (hostname) => {
    const addresses = table.get(hostname.toLowerCase());
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
  };
  return {
    resolve,
    set(hostname: string, addresses: string[]) {
      table.set(hostname, addresses);
    },
  };
}
