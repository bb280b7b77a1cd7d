import { randomUUID } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { assertImageKey, ImageStorage } from './image.storage.js';

/**
 * Images as files under one folder (CATALOG_IMAGE_DIR). In containers the folder is a volume
 * (the root filesystem is read-only); with several replicas it must be one they share.
 */
export class LocalDiskImageStorage extends ImageStorage {
  private readonly root: string;

  private constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  /** Creates the folder if needed and fails the start, saying what to set, if it is not writable. */
  static async open(root: string): Promise<LocalDiskImageStorage> {
    const storage = new LocalDiskImageStorage(root);
    try {
      await mkdir(storage.root, { recursive: true });
      await access(storage.root, constants.W_OK);
    } catch (error) {
      throw new Error(
        `The image folder ${storage.root} cannot be written to (${describe(error)}). Set ` +
          'CATALOG_IMAGE_DIR to a writable folder: a volume in a container.',
        { cause: error },
      );
    }
    return storage;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Written aside, then renamed into place: a reader never sees half an image.
    const partial = `${path}.${randomUUID()}.partial`;
    await writeFile(partial, bytes, { flag: 'wx' });
    await rename(partial, path);
  }

  async open(key: string): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch {
      return undefined;
    }
    return createReadStream(path);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    assertImageKey(key);
    return join(this.root, key);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
