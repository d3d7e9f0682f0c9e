// Apart from server.ts so the CLI can recognise it without loading the whole service.

/** The port could not be bound: an operator's problem with a one-line answer, not a crash. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    readonly code: string,
    readonly port: number,
    readonly host: string,
  ) {
    super(
      code === 'EADDRINUSE'
        ? `port ${port} on ${host} is already in use: stop what listens there, or start on another port with PORT=<port>`
        : code === 'EACCES'
          ? `port ${port} on ${host} may not be bound by this user: use a port above 1023 with PORT=<port>`
          : `cannot listen on ${host}:${port} (${code}): check HOST and PORT`,
    );
  }
}
