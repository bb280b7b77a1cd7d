import { describe, expect, it } from '@jest/globals';
import { parseCatalogConfig } from './catalog.config.js';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/atlas_catalog',
  ATLAS_BROKER: 'embedded',
  ATLAS_CACHE: 'memory',
  AUTH_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
};

describe('parseCatalogConfig', () => {
  it('seeds the demo catalog by default, except in production', () => {
    expect(parseCatalogConfig(base).seedDemo).toBe(true);
    expect(parseCatalogConfig({ ...base, NODE_ENV: 'production' }).seedDemo).toBe(false);
    expect(parseCatalogConfig({ ...base, CATALOG_SEED_DEMO: 'false' }).seedDemo).toBe(false);
  });

  it('keeps images under .atlas/images unless told where, and bounds their size', () => {
    expect(parseCatalogConfig(base).images).toEqual({
      directory: '.atlas/images',
      maxBytes: 5 * 1024 * 1024,
    });
    expect(
      parseCatalogConfig({ ...base, CATALOG_IMAGE_DIR: '/var/lib/atlas/images' }).images.directory,
    ).toBe('/var/lib/atlas/images');
    expect(() => parseCatalogConfig({ ...base, CATALOG_IMAGE_MAX_BYTES: '10' })).toThrow(
      /CATALOG_IMAGE_MAX_BYTES/,
    );
  });
});
