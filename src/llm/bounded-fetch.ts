/** Why one model call was cut short: its deadline passed, or its reply was larger than allowed. */
export class LlmCallCutShort extends Error {
  override readonly name = 'LlmCallCutShort';
  constructor(readonly detail: 'timeout' | 'the reply is too large') {
    super(detail);
  }
}

/** Statuses whose responses have no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * The `fetch` of one model call. The `openai` client's own timeout stops once the headers arrive,
 * and it then reads the body with no limit: a body sent a byte at a time held a worker for minutes,
 * and a 300 MB body was buffered whole. Here the body is read before the client sees the response,
 * under the call's signal (so the call's deadline covers it), and refused past `maxBytes`: the call
 * is then aborted with LlmCallCutShort, which the client does not retry.
 */
export function boundedFetch(maxBytes: number, call: AbortController): typeof fetch {
  const refuse = (): never => {
    const tooLarge = new LlmCallCutShort('the reply is too large');
    call.abort(tooLarge);
    throw tooLarge;
  };
  return async (input, init) => {
    const response = await fetch(input, init);
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
      await response.body?.cancel().catch(() => {});
      refuse();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        refuse();
      }
      chunks.push(value);
    }
    const body = NULL_BODY_STATUSES.has(response.status) ? null : Buffer.concat(chunks);
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
