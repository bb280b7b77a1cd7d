import { Controller, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuthenticatedUser, CurrentUser } from '#atlas/security';
import { GATEWAY_ROUTES } from '../routes/gateway-routes.js';
import { OperationRoute } from '../routes/operation-route.decorator.js';
import { LiveConnections } from './live-connections.js';
import { OrderWatches } from './order-watches.js';
import { ServerSentEvents } from './server-sent-events.js';

/**
 * A stream lives at most as long as an access token: then the client reconnects with a
 * current one, so a revoked or expired token does not keep a stream open.
 */
const MAX_STREAM_MS = 15 * 60_000;

@Controller()
export class OrderStreamRoutes {
  constructor(
    private readonly watches: OrderWatches,
    private readonly connections: LiveConnections,
  ) {}

  @OperationRoute(GATEWAY_ROUTES.orderStream)
  async stream(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const events = new ServerSentEvents(reply);
    let settledEarly = false;
    let onSettled = () => {
      settledEarly = true;
    };
    const watcher = { userId: user.id, authorization: request.headers.authorization ?? '' };
    const watch = await this.watches.follow(id, watcher, {
      send: (update) => events.send('order-status', update),
      settled: () => onSettled(),
    });
    let unregister: (() => void) | undefined;
    const close = () => {
      clearTimeout(timer);
      watch.stop();
      unregister?.();
      events.end();
    };
    const timer = setTimeout(close, MAX_STREAM_MS);
    timer.unref();
    onSettled = close;
    // A final status already went out with the snapshot: that was the whole stream.
    if (settledEarly) {
      close();
      return;
    }
    request.raw.once('close', close);
    unregister = this.connections.add(close);
  }
}
