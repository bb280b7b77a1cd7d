import { Injectable } from '@nestjs/common';
import { BrokerAdmin } from '../topics/broker-admin.js';

/** Readiness: can this service reach its broker? (Kafka: a metadata round trip.) */
@Injectable()
export class BrokerHealthCheck {
  readonly name = 'broker';

  constructor(private readonly admin: BrokerAdmin) {}

  async check(): Promise<void> {
    await this.admin.ping();
  }
}
