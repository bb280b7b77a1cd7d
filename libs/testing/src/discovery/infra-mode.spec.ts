import { describe, expect, it } from '@jest/globals';
import { readInfraMode } from './infra-mode.js';

describe('readInfraMode', () => {
  it('allows the embedded fallback unless told otherwise', () => {
    expect(readInfraMode({})).toBe('auto');
    expect(readInfraMode({ ATLAS_TEST_INFRA: 'auto' })).toBe('auto');
  });

  it('demands real servers when ATLAS_TEST_INFRA=real', () => {
    expect(readInfraMode({ ATLAS_TEST_INFRA: 'real' })).toBe('real');
  });

  it('rejects a value it does not know rather than guess', () => {
    expect(() => readInfraMode({ ATLAS_TEST_INFRA: 'yes' })).toThrow(
      'ATLAS_TEST_INFRA=yes is not understood: use "real"',
    );
  });
});
