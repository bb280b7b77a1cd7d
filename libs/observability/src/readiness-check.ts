/**
 * A dependency the app cannot serve without (its database, broker, cache). `check()` resolves
 * when it is usable and throws an Error saying what is wrong when it is not. Libraries provide
 * these (`DatabaseHealthCheck`, `BrokerHealthCheck`, `CacheHealthCheck`); each app lists its own.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}
