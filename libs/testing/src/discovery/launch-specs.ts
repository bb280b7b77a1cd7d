import type { InfraService } from './infra-target.js';

/** How the harness starts one kind of server for a test run, with its script under infra/. */
export interface LaunchSpec {
  /** As messages name it: "a PostgreSQL server". */
  readonly label: string;
  /** Relative to the repository root; takes `start` or `stop`. */
  readonly script: string;
  /** The variables the script reads for its port and its data folder. */
  readonly portVariable: string;
  readonly dataDirVariable: string;
  /** Test servers stay clear of the usual ports, which a developer's own server may take. */
  readonly firstPort: number;
  /** How many neighbouring ports one server listens on. */
  readonly width: number;
  /** The address tests use for a server on `port`, in the shape of ATLAS_TEST_* addresses. */
  readonly address: (port: number) => string;
  /** The port in such an address. */
  readonly portOf: (address: string) => number;
}

export const LAUNCH_SPECS: Readonly<Record<InfraService, LaunchSpec>> = {
  postgres: {
    label: 'a PostgreSQL server',
    script: 'infra/postgres/postgres.sh',
    portVariable: 'POSTGRES_PORT',
    dataDirVariable: 'POSTGRES_DATA_DIR',
    firstPort: 15432,
    width: 1,
    address: (port) => `postgres://postgres@127.0.0.1:${port}/postgres`,
    portOf: (address) => Number(new URL(address).port),
  },
  redis: {
    label: 'a Redis server',
    script: 'infra/redis/redis.sh',
    portVariable: 'REDIS_PORT',
    dataDirVariable: 'REDIS_DATA_DIR',
    firstPort: 16379,
    width: 1,
    address: (port) => `redis://127.0.0.1:${port}`,
    portOf: (address) => Number(new URL(address).port),
  },
  kafka: {
    label: 'a Kafka broker',
    script: 'infra/kafka/kafka.sh',
    portVariable: 'KAFKA_PORT',
    dataDirVariable: 'KAFKA_DATA_DIR',
    // The broker's KRaft controller listens on the port after its client port.
    firstPort: 19092,
    width: 2,
    address: (port) => `127.0.0.1:${port}`,
    portOf: (address) => Number(address.split(':').at(-1)),
  },
};
