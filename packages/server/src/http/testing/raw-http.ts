import net from 'node:net';

/** One HTTP/1.1 response as it came off the wire. */
export interface RawResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * One client connection written by hand: requests go out byte for byte (a body can stop halfway, a
 * kept-alive connection is reused exactly), responses are parsed from what arrives. Tests of how the
 * server treats connections (lingering closes, shutdown) need this control; `fetch` and Node's agent hide it.
 *
 * @example
 * const conn = await RawConnection.open(server.url);
 * conn.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
 * expect((await conn.response()).status).toBe(200);
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  /** The server sent its FIN. */
  ended = false;
  /** The socket is gone; `error` says why when it broke. */
  closed = false;
  error: (Error & { code?: string }) | undefined;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.received = Buffer.concat([this.received, d]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (err) => {
      this.error = err;
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Connects to `url`'s host and port. */
  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      // Half-open allowed: a FIN from the server does not end this side, as with clients that keep sending their body.
      const socket = net.connect({ host: hostname, port: Number(port), allowHalfOpen: true }, () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Writes bytes; resolves once the socket took them (false when it is broken). */
  write(data: string | Uint8Array): Promise<boolean> {
    if (this.socket.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => this.socket.write(data, (err) => resolve(!err)));
  }

  /** Resolves once the socket is gone. */
  async whenClosed(): Promise<void> {
    while (!this.closed) await this.next();
  }

  /** Resolves once the server has ended the connection (its FIN, or a reset). */
  async whenEnded(): Promise<void> {
    while (!this.ended && !this.closed) await this.next();
  }

  /** The next whole response (its body sized by Content-Length); rejects if the connection ends first. */
  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.ended || this.closed)
        throw new Error(`connection ended before a whole response (${this.error?.code ?? 'no error'}): ${this.received.toString()}`);
      await this.next();
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): RawResponse | undefined {
    const headEnd = this.received.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const [statusLine = '', ...lines] = this.received.subarray(0, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.received.length < headEnd + 4 + length) return undefined;
    const body = this.received.subarray(headEnd + 4, headEnd + 4 + length).toString();
    this.received = this.received.subarray(headEnd + 4 + length);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }

  private next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
