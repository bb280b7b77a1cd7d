import { runService } from '#atlas/bootstrap';
import { catalogApp } from './catalog.app.js';

await runService(catalogApp);
