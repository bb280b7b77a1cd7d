import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuthenticatedUser, CurrentUser } from '#atlas/security';
import { ApiProblems } from '../docs/openapi.decorators.js';
import { LiveConnections } from './live-connections.js';
import { OrderWatches } from './order-watches.js';
import { ServerSentEvents } from './server-sent-events.js';

/**
 * A stream lives at most as long as an access token: then the client reconnects with a
 * current one, so a revoked or expired token does not keep a stream open.
 */
const MAX_STREAM_MS = 15 * 60_000;

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/orders')
export class OrderStreamRoutes {
  constructor(
    private readonly watches: OrderWatches,
    private readonly connections: LiveConnections,
  ) {}

  @Get(':id/stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'Live status of one order, as server-sent events (its owner)',
    description:
      'Sends `event: order-status` with the current status first, then each change, and ends ' +
      'once the order is CONFIRMED or CANCELLED. Works on any gateway replica.',
  })
  @ApiProblems(400, 401, 404)
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
