import type { Readable } from 'node:stream';

/**
 * Where product images live. Local disk here (a volume shared by the replicas); an object
 * store such as S3 would be another implementation of these three calls.
 */
export abstract class ImageStorage {
  /** Stores the bytes under `key` (made by the caller from the image's hash), replacing any. */
  abstract put(key: string, bytes: Buffer): Promise<void>;

  /** The image's bytes as a stream, or undefined when no image has this key. */
  abstract open(key: string): Promise<Readable | undefined>;

  /** Removes the image; a key that holds nothing is fine. */
  abstract delete(key: string): Promise<void>;
}

/** `<productId>/<sha-256>.<ext>`: nothing a client chose, so nothing that can escape the folder. */
export const IMAGE_KEY = /^[0-9a-f-]{36}\/[0-9a-f]{64}\.(jpg|png|webp)$/;

export function assertImageKey(key: string): void {
  if (!IMAGE_KEY.test(key)) throw new Error(`"${key}" is not an image key`);
}
