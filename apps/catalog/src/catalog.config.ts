import { z } from 'zod';
import {
  cacheEnv,
  cacheSettings,
  domainServiceEnv,
  domainServiceSettings,
  envVar,
  evenWithOtherProblems,
  parseConfig,
  requireAdapterAddresses,
  type Env,
} from '#atlas/config';

const schema = z
  .object({
    ...domainServiceEnv('catalog', 3002),
    ...cacheEnv,
    CATALOG_SEED_DEMO: envVar.flag(
      'seed a demo catalog on first start; default on except in production',
    ),
    CATALOG_CACHE_TTL_MS: envVar.int(30_000, 0, 3_600_000),
  })
  .superRefine(requireAdapterAddresses, evenWithOtherProblems);

export function parseCatalogConfig(env: Env) {
  const parsed = parseConfig('catalog', schema, env);
  return {
    ...domainServiceSettings(parsed),
    cache: cacheSettings(parsed),
    // Demo data by default everywhere but production, where a catalog starts empty.
    seedDemo: parsed.CATALOG_SEED_DEMO ?? parsed.NODE_ENV !== 'production',
    cacheTtlMs: parsed.CATALOG_CACHE_TTL_MS,
  };
}

export type CatalogConfig = ReturnType<typeof parseCatalogConfig>;
