import { runService } from '#atlas/bootstrap';
import { ordersApp } from './orders.app.js';

await runService(ordersApp);
