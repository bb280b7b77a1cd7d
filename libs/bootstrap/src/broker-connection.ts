import type { BrokerSettings } from '#atlas/config';
import { EmbeddedBroker, type BrokerConnection } from '#atlas/messaging';
import type { ServiceRuntime } from './service-definition.js';

/** Kafka from configuration, or the run's shared in-process broker. */
export function connectBroker(settings: BrokerSettings, runtime: ServiceRuntime): BrokerConnection {
  switch (settings.kind) {
    case 'kafka':
      return settings.namespace
        ? { kind: 'kafka', brokers: [...settings.brokers], namespace: settings.namespace }
        : { kind: 'kafka', brokers: [...settings.brokers] };
    case 'embedded':
      return { kind: 'embedded', broker: runtime.broker ?? new EmbeddedBroker() };
    default: {
      const unknown: never = settings;
      throw new Error(`unknown broker settings ${JSON.stringify(unknown)}`);
    }
  }
}
