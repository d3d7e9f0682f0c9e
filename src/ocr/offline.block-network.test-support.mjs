// Preload for offline.test.ts: every outbound connection except loopback throws, in the main thread and in
// every worker thread (workers inherit --import).
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

const loopback = (host) => !host || host === 'localhost' || host === '::1' || /^127\./.test(String(host));
const refuse = (what) => {
  process.stderr.write(`BLOCKED NETWORK ${what}\n`);
  throw new Error(`network blocked: ${what}`);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = args[0];
  if (options && typeof options === 'object' && !options.path && !loopback(options.host))
    refuse(options.host);
  if (typeof options === 'number' && !loopback(args[1])) refuse(args[1]);
  return connect.apply(this, args);
};
for (const mod of [http, https]) {
  for (const name of ['request', 'get']) {
    const original = mod[name];
    mod[name] = (...args) => {
      const target = args[0];
      const host =
        typeof target === 'string' || target instanceof URL ? new URL(target).hostname : target?.host;
      if (!loopback(host)) refuse(String(host));
      return original(...args);
    };
  }
}
const lookup = dns.lookup;
dns.lookup = (host, ...rest) => (loopback(host) ? lookup(host, ...rest) : refuse(`dns ${host}`));
globalThis.fetch = async (input) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (url.protocol === 'file:' || url.protocol === 'data:' || loopback(url.hostname)) {
    throw new Error(`fetch not available offline: ${url}`);
  }
  refuse(url.href);
};
globalThis.__networkBlocked = true;
