import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging-options.js';
import { BrokerAdmin } from './broker-admin.js';

/**
 * Creates the service's topics while the app initialises, before any producer sends or any
 * consumer subscribes. Every service does it (idempotently), so start-up order does not matter.
 */
@Injectable()
export class TopicsInitializer implements OnModuleInit {
  private readonly logger = new Logger('Messaging');

  constructor(
    private readonly admin: BrokerAdmin,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.admin.ensureTopics(this.options.topics);
    this.logger.log(`${this.options.topics.length} topics ready (${this.options.broker.kind})`);
  }
}
