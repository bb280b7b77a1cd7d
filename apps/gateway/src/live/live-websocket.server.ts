import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  LIVE_WS_PROTOCOL,
  LIVE_WS_TOKEN_PROTOCOL_PREFIX,
  LiveClientMessage,
  type LiveServerMessage,
  PROBLEM_CONTENT_TYPE,
} from '#atlas/contracts';
import { AppError, toProblem } from '#atlas/http';
import { type AuthenticatedUser, RequestAuthentication } from '#atlas/security';
import { LiveConnections } from './live-connections.js';
import type { OrderWatcher } from './order-access.js';
import { OrderWatches, type OrderWatch } from './order-watches.js';

export const LIVE_WS_PATH = '/v1/ws';

/** Orders one socket may follow at once. */
const MAX_SUBSCRIPTIONS = 20;
/** Pings at this interval find peers that vanished without closing. */
const PING_MS = 30_000;
/** As for SSE: a socket lives at most as long as an access token, then the client reconnects. */
const MAX_SOCKET_MS = 15 * 60_000;

/**
 * `GET /v1/ws`: live order status over WebSocket. The upgrade is authenticated like any route
 * (the same check of the token, revocation included) before the socket exists: a token in the
 * Authorization header, or, from browsers, which cannot set headers on a WebSocket, the
 * subprotocol `atlas.bearer.<token>` offered next to `atlas.v1`. The client then sends
 * `{"type":"subscribe","orderId":...}` for each order it wants; the rules are those of the
 * SSE stream (orders decides who may see an order).
 */
@Injectable()
export class LiveWebSocketServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveWebSocketServer.name);
  private readonly sockets = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024,
    handleProtocols: (offered) => (offered.has(LIVE_WS_PROTOCOL) ? LIVE_WS_PROTOCOL : false),
  });
  private server: Server | undefined;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void this.upgrade(request, socket, head);
  };

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly watches: OrderWatches,
    private readonly connections: LiveConnections,
    private readonly authentication: RequestAuthentication,
  ) {}

  onApplicationBootstrap(): void {
    const server: Server = this.adapterHost.httpAdapter.getHttpServer();
    this.server = server;
    server.on('upgrade', this.onUpgrade);
  }

  async onApplicationShutdown(): Promise<void> {
    this.server?.off('upgrade', this.onUpgrade);
    await new Promise<void>((resolve) => this.sockets.close(() => resolve()));
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path !== LIVE_WS_PATH) {
      refuse(socket, path, new AppError('HTTP.NOT_FOUND', 404, `No WebSocket at ${path}.`));
      return;
    }
    if (this.connections.isClosing) {
      refuse(socket, path, new AppError('SERVICE.SHUTTING_DOWN', 503, 'Reconnect shortly.'));
      return;
    }
    const authorization = authorizationOf(request);
    if (authorization) request.headers.authorization = authorization;
    let authentication;
    try {
      authentication = await this.authentication.authenticate(request);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not authenticate a WebSocket upgrade');
      authentication = undefined;
    }
    if (!authentication || authentication.kind === 'unavailable') {
      refuse(socket, path, new AppError('AUTH.UNAVAILABLE', 503, 'Retry shortly.'));
      return;
    }
    if (authentication.kind !== 'authenticated' || !authorization) {
      refuse(
        socket,
        path,
        new AppError('AUTH.UNAUTHENTICATED', 401, 'A valid access token is required.'),
      );
      return;
    }
    const caller = authentication.user;
    this.sockets.handleUpgrade(request, socket, head, (ws) =>
      this.serve(ws, caller, authorization),
    );
  }

  private serve(ws: WebSocket, user: AuthenticatedUser, authorization: string): void {
    const watches = new Map<string, OrderWatch>();
    const pending = new Set<string>();
    const send = (message: LiveServerMessage) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    };
    let alive = true;
    const ping = setInterval(() => {
      if (!alive) ws.terminate();
      alive = false;
      ws.ping();
    }, PING_MS);
    const expiry = setTimeout(
      () => ws.close(4001, 'reconnect with a current token'),
      MAX_SOCKET_MS,
    );
    const unregister = this.connections.add(() => ws.close(1001, 'server shutting down'));
    ws.on('pong', () => (alive = true));
    ws.on('close', () => {
      clearInterval(ping);
      clearTimeout(expiry);
      unregister();
      for (const watch of watches.values()) watch.stop();
      watches.clear();
    });

    ws.on('message', (data: RawData, isBinary: boolean) => {
      const message = parseClientMessage(data, isBinary);
      if (!message) {
        send({
          type: 'error',
          code: 'LIVE.INVALID_MESSAGE',
          message: 'Send {"type":"subscribe"|"unsubscribe","orderId":"<uuid>"} as JSON text.',
        });
        return;
      }
      const { orderId } = message;
      switch (message.type) {
        case 'subscribe': {
          if (watches.has(orderId) || pending.has(orderId)) return;
          if (watches.size + pending.size >= MAX_SUBSCRIPTIONS) {
            send({
              type: 'error',
              code: 'LIVE.TOO_MANY_SUBSCRIPTIONS',
              message: `At most ${MAX_SUBSCRIPTIONS} orders per connection.`,
              orderId,
            });
            return;
          }
          pending.add(orderId);
          void this.subscribe(
            ws,
            orderId,
            { userId: user.id, authorization },
            watches,
            send,
          ).finally(() => pending.delete(orderId));
          return;
        }
        case 'unsubscribe':
          watches.get(orderId)?.stop();
          watches.delete(orderId);
          send({ type: 'unsubscribed', orderId });
          return;
        default: {
          const unknown: never = message;
          throw new Error(`unhandled live message ${JSON.stringify(unknown)}`);
        }
      }
    });
    this.logger.debug?.({ userId: user.id }, 'live socket opened');
  }

  /** Starts following one order on a socket; what goes wrong is told to the client. */
  private async subscribe(
    ws: WebSocket,
    orderId: string,
    watcher: OrderWatcher,
    watches: Map<string, OrderWatch>,
    send: (message: LiveServerMessage) => void,
  ): Promise<void> {
    let settled = false;
    let watch: OrderWatch;
    try {
      watch = await this.watches.follow(orderId, watcher, {
        send: (order, kind) =>
          send({ type: kind === 'snapshot' ? 'subscribed' : 'order-status', order }),
        settled: () => {
          settled = true;
          watches.delete(orderId);
        },
      });
    } catch (error) {
      const problem = toProblem(error, { instance: LIVE_WS_PATH });
      send({
        type: 'error',
        code: problem.code,
        message: problem.detail ?? problem.title,
        orderId,
      });
      return;
    }
    // Settled with the snapshot already, or the socket went meanwhile: nothing to follow.
    if (settled || ws.readyState !== WebSocket.OPEN) watch.stop();
    else watches.set(orderId, watch);
  }
}

/** The bearer token from the Authorization header, or from the `atlas.bearer.` subprotocol. */
function authorizationOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header;
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const token = offered.find((protocol) => protocol.startsWith(LIVE_WS_TOKEN_PROTOCOL_PREFIX));
  return token ? `Bearer ${token.slice(LIVE_WS_TOKEN_PROTOCOL_PREFIX.length)}` : undefined;
}

function parseClientMessage(data: RawData, isBinary: boolean): LiveClientMessage | undefined {
  if (isBinary) return undefined;
  try {
    const parsed = LiveClientMessage.safeParse(JSON.parse(textOf(data)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Answers an upgrade with an ordinary HTTP error, as problem+json, and closes the socket. */
function refuse(socket: Duplex, path: string, error: AppError): void {
  const body = JSON.stringify(toProblem(error, { instance: path }));
  // Destroyed once written: a socket left half-open would hold the server's shutdown up.
  socket.end(
    `HTTP/1.1 ${error.status} ${statusText(error.status)}\r\n` +
      `content-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
    () => socket.destroy(),
  );
}

function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
