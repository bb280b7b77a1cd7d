import { runService } from '#atlas/bootstrap';
import { notificationsApp } from './notifications.app.js';

await runService(notificationsApp);
