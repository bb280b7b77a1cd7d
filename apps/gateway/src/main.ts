import { runService } from '#atlas/bootstrap';
import { gatewayApp } from './gateway.app.js';

await runService(gatewayApp);
