import { runService } from '#atlas/bootstrap';
import { authApp } from './auth.app.js';

await runService(authApp);
