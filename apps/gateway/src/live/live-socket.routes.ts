import { Controller } from '@nestjs/common';
import { AppError } from '#atlas/http';
import { GATEWAY_ROUTES } from '../routes/gateway-routes.js';
import { OperationRoute } from '../routes/operation-route.decorator.js';

/**
 * `GET /v1/ws` as an ordinary request: WebSocket upgrades never reach it (the server hands
 * them to LiveWebSocketServer first), so whoever arrives here forgot to upgrade. Its entry in
 * the route table puts the endpoint in the API documentation.
 */
@Controller()
export class LiveSocketRoutes {
  @OperationRoute(GATEWAY_ROUTES.liveSocket)
  upgradeRequired(): never {
    throw new AppError(
      'LIVE.UPGRADE_REQUIRED',
      426,
      'This endpoint speaks WebSocket: connect with an Upgrade: websocket request.',
    );
  }
}
