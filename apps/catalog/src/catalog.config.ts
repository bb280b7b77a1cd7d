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
    CATALOG_CACHE_TTL_MS: envVar.int(30_000, 1, 3_600_000),
    CATALOG_IMAGE_DIR: z
      .string()
      .min(1)
      .default('.atlas/images')
      .describe('a writable folder for product images; a volume in containers'),
    CATALOG_IMAGE_MAX_BYTES: envVar.int(5 * 1024 * 1024, 1024, 50 * 1024 * 1024),
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
    images: { directory: parsed.CATALOG_IMAGE_DIR, maxBytes: parsed.CATALOG_IMAGE_MAX_BYTES },
  };
}

export type CatalogConfig = ReturnType<typeof parseCatalogConfig>;
