import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '#atlas/http';
import { ReadinessProbe, type ReadinessReport } from './readiness.probe.js';

/**
 * Liveness says the process can make progress (restart me if not); readiness says it can
 * serve now (send me traffic). Liveness never looks at dependencies, so a database outage
 * does not make Kubernetes restart every pod.
 */
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessProbe) {}

  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const report: ReadinessReport = await this.readiness.run();
    await reply
      .status(report.status === 'ok' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(report);
  }
}
