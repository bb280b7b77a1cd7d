import { runService } from '#atlas/bootstrap';
import { paymentsApp } from './payments.app.js';

await runService(paymentsApp);
