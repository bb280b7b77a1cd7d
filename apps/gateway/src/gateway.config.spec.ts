import { describe, expect, it } from '@jest/globals';
import { parseGatewayConfig } from './gateway.config.js';

const base = {
  AUTH_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
  ATLAS_CACHE: 'memory',
};

describe('parseGatewayConfig', () => {
  it('serves API docs by default, but not in production unless asked to', () => {
    expect(parseGatewayConfig(base).docsEnabled).toBe(true);
    expect(parseGatewayConfig({ ...base, NODE_ENV: 'production' }).docsEnabled).toBe(false);
    expect(
      parseGatewayConfig({ ...base, NODE_ENV: 'production', DOCS_ENABLED: 'true' }).docsEnabled,
    ).toBe(true);
    expect(parseGatewayConfig({ ...base, DOCS_ENABLED: 'false' }).docsEnabled).toBe(false);
  });

  it('reads the upstreams, CORS allow-list and trusted proxies', () => {
    const config = parseGatewayConfig({
      ...base,
      ORDERS_URL: 'http://orders:3003',
      CATALOG_URL: 'http://catalog-0:3002, http://catalog-1:3002',
      CORS_ORIGINS: 'https://shop.example.com, https://admin.example.com',
      TRUSTED_PROXIES: '10.0.0.0/8',
    });
    expect(config.upstreams.orders).toEqual(['http://orders:3003']);
    expect(config.upstreams.catalog).toEqual(['http://catalog-0:3002', 'http://catalog-1:3002']);
    expect(config.upstreams.auth).toEqual(['http://127.0.0.1:3001']);
    expect(config.corsOrigins).toEqual(['https://shop.example.com', 'https://admin.example.com']);
    expect(config.trustedProxies).toEqual(['10.0.0.0/8']);
  });

  it('refuses an upstream that is not an http(s) URL', () => {
    expect(() => parseGatewayConfig({ ...base, CATALOG_URL: 'ftp://catalog' })).toThrow(
      /CATALOG_URL/,
    );
    expect(() =>
      parseGatewayConfig({ ...base, CATALOG_URL: 'http://catalog:3002,not a url' }),
    ).toThrow(/CATALOG_URL/);
    expect(() => parseGatewayConfig({ ...base, CATALOG_URL: ' , ' })).toThrow(/CATALOG_URL/);
  });
});
