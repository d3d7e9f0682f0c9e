import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the receiver answered: a status, or 'hang' when it never answered. */
  answer: number | 'hang';
}

/**
 * A real HTTP receiver on 127.0.0.1 (port 0). `script` says how to answer the n-th request
 * (0-based): a status code, or 'hang' to never answer (the sender must time out).
 */
export async function startWebhookReceiver(script: (n: number) => number | 'hang' = () => 200) {
  const received: ReceivedWebhook[] = [];
  let answerFor = script;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = answerFor(received.length);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answer });
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Only the requests it acknowledged with a 2xx. */
    acknowledged: () => received.filter((r) => typeof r.answer === 'number' && r.answer < 300),
    setScript(next: (n: number) => number | 'hang') {
      answerFor = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

export async function waitFor<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}
