import { describe, expect, it } from '@jest/globals';
import { AllowedMethods } from './allowed-methods.js';

describe('AllowedMethods', () => {
  const allowed = new AllowedMethods();
  allowed.add(['GET', 'HEAD'], '/v1/products');
  allowed.add('POST', '/v1/products');
  allowed.add('GET', '/v1/products/:id');
  allowed.add('PATCH', '/v1/products/:id');
  allowed.add('GET', '/docs/*');

  it('lists every method of the routes matching a path, parameters and query ignored', () => {
    expect(allowed.for('/v1/products?page=2')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowed.for('/v1/products/42')).toEqual(['GET', 'PATCH']);
    expect(allowed.for('/docs/swagger-ui.css')).toEqual(['GET']);
  });

  it('knows nothing of paths no route takes', () => {
    expect(allowed.for('/v1/products/42/reviews')).toEqual([]);
    expect(allowed.for('/v1/nothing')).toEqual([]);
    expect(allowed.for('/')).toEqual([]);
  });
});
