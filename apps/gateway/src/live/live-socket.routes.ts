import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppError, Public } from '#atlas/http';
import { ApiProblems } from '../docs/openapi.decorators.js';

/**
 * `GET /v1/ws` as an ordinary request: WebSocket upgrades never reach it (the server hands
 * them to LiveWebSocketServer first), so whoever arrives here forgot to upgrade. It also puts
 * the endpoint in the API documentation.
 */
@ApiTags('orders')
@Controller('v1/ws')
export class LiveSocketRoutes {
  @Public()
  @Get()
  @ApiOperation({
    summary: 'Live order status over WebSocket (upgrade; see docs/patterns/real-time-push.md)',
    description:
      'Authenticate the upgrade with Authorization: Bearer, or offer the subprotocols ' +
      '`atlas.v1` and `atlas.bearer.<token>`. Send {"type":"subscribe","orderId":"…"}; receive ' +
      '`subscribed` (the current status), then `order-status` for each change.',
  })
  @ApiProblems(426)
  upgradeRequired(): never {
    throw new AppError(
      'LIVE.UPGRADE_REQUIRED',
      426,
      'This endpoint speaks WebSocket: connect with an Upgrade: websocket request.',
    );
  }
}
