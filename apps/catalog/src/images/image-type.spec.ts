import { describe, expect, it } from '@jest/globals';
import { detectImageType } from './image-type.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a464946', 'hex');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);

describe('detectImageType', () => {
  it('recognises JPEG, PNG and WebP by their first bytes', () => {
    expect(detectImageType(JPEG)).toEqual({ contentType: 'image/jpeg', extension: 'jpg' });
    expect(detectImageType(PNG)).toEqual({ contentType: 'image/png', extension: 'png' });
    expect(detectImageType(WEBP)).toEqual({ contentType: 'image/webp', extension: 'webp' });
  });

  it('refuses what only pretends to be an image', () => {
    const disguised = [
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      Buffer.from('<?php echo "hi"; ?>'),
      Buffer.from('4d5a90000300000004000000', 'hex'), // a Windows executable
      Buffer.from('GIF89a'),
      Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')]),
      PNG.subarray(0, 7), // a truncated signature
      Buffer.alloc(0),
    ];
    for (const bytes of disguised) expect(detectImageType(bytes)).toBeUndefined();
  });
});
