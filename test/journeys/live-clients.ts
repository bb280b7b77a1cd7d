import { WebSocket } from 'ws';
import { LIVE_WS_PROTOCOL, LiveOrderUpdate, LiveServerMessage, Problem } from '#atlas/contracts';

export type StreamResult =
  | { readonly kind: 'stream'; readonly events: LiveOrderUpdate[]; readonly ended: boolean }
  | { readonly kind: 'refused'; readonly status: number; readonly problem: Problem };

/**
 * Reads `GET /v1/orders/:id/stream` as a browser's EventSource would (but with a header, as
 * fetch-based clients do), until the server ends the stream or `timeoutMs` passes.
 */
export async function readOrderStream(
  gatewayUrl: string,
  orderId: string,
  token: string | undefined,
  timeoutMs = 30_000,
): Promise<StreamResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch(`${gatewayUrl}/v1/orders/${orderId}/stream`, {
      headers: {
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      signal: abort.signal,
    });
    if (response.status !== 200) {
      return {
        kind: 'refused',
        status: response.status,
        problem: Problem.parse(await response.json()),
      };
    }
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
      throw new Error(`not an event stream: ${response.headers.get('content-type')}`);
    }
    const events: LiveOrderUpdate[] = [];
    let buffer = '';
    let ended = false;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body ?? []) {
        buffer += decoder.decode(chunk, { stream: true });
        let boundary;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const lines = block.split('\n');
          const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
          const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
          if (event === 'order-status' && data)
            events.push(LiveOrderUpdate.parse(JSON.parse(data)));
        }
      }
      ended = true;
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
    return { kind: 'stream', events, ended };
  } finally {
    clearTimeout(timer);
  }
}

/** A WebSocket client of `GET /v1/ws` that keeps every message it receives. */
export class LiveSocket {
  readonly messages: LiveServerMessage[] = [];

  private readonly closeCode: Promise<number>;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(new Uint8Array(data));
      this.messages.push(LiveServerMessage.parse(JSON.parse(text.toString('utf8'))));
    });
    this.closeCode = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  /** The close code, once the socket is closed (1001: the server is going away). */
  closed(): Promise<number> {
    return this.closeCode;
  }

  /** Opens with the token in the Authorization header (or as a browser does, as a subprotocol). */
  static open(
    gatewayUrl: string,
    token: string,
    how: 'header' | 'subprotocol' = 'header',
  ): Promise<LiveSocket> {
    const url = `${gatewayUrl.replace(/^http/, 'ws')}/v1/ws`;
    const socket =
      how === 'header'
        ? new WebSocket(url, [LIVE_WS_PROTOCOL], { headers: { authorization: `Bearer ${token}` } })
        : new WebSocket(url, [LIVE_WS_PROTOCOL, `atlas.bearer.${token}`]);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new LiveSocket(socket)));
      socket.once('error', reject);
    });
  }

  /** The HTTP status a refused upgrade was answered with. */
  static refusal(gatewayUrl: string, path: string, token?: string): Promise<number> {
    const url = `${gatewayUrl.replace(/^http/, 'ws')}${path}`;
    const options = token ? { headers: { authorization: `Bearer ${token}` } } : {};
    const socket = new WebSocket(url, [LIVE_WS_PROTOCOL], options);
    return new Promise((resolve, reject) => {
      socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.once('open', () => {
        socket.close();
        reject(new Error(`the upgrade to ${path} was accepted`));
      });
      socket.once('error', () => undefined);
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Waits until a received message satisfies `match`, and returns it. */
  async next(
    match: (message: LiveServerMessage) => boolean,
    timeoutMs = 30_000,
  ): Promise<LiveServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching message; received ${JSON.stringify(this.messages)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  close(): void {
    this.socket.close();
  }
}
