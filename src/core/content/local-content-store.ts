import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isFullId, parseDigest, type Digest } from '../../common/digest.js';
import { WharfError, invalidArgument, notFound } from '../../common/errors.js';
import { fsyncDir } from '../durable/atomic-file.js';
import type { DataRootLayout } from '../layout.js';
import type { BlobInfo, ContentStore } from './content-store.js';

/**
 * LocalContentStore is the ContentStore on the local filesystem: committed blobs live in
 * `content/blobs/sha256/<hex>`, writes in progress in `content/ingest/<random>` (see DataRootLayout).
 *
 * Each ingest writes its own private file, so concurrent ingests of the same digest never see each other's bytes;
 * the last rename wins with identical content. Construct it with `await LocalContentStore.open(layout)`, which also
 * removes ingest files left by a crash (safe because one daemon owns a data root, enforced by its flock).
 */
export class LocalContentStore implements ContentStore {
  readonly #layout: DataRootLayout;

  private constructor(layout: DataRootLayout) {
    this.#layout = layout;
  }

  /** open creates the store's directories, removes stale ingest files and returns the store. */
  static async open(layout: DataRootLayout): Promise<LocalContentStore> {
    const store = new LocalContentStore(layout);
    await store.init();
    return store;
  }

  /** init creates the blob and ingest directories and deletes every ingest file (none survives a restart). */
  async init(): Promise<void> {
    await fsp.mkdir(this.#layout.blobsDir, { recursive: true });
    await fsp.mkdir(this.#layout.ingestDir, { recursive: true });
    for (const name of await fsp.readdir(this.#layout.ingestDir)) {
      await fsp.rm(path.join(this.#layout.ingestDir, name), { recursive: true, force: true });
    }
  }

  async info(digest: Digest): Promise<BlobInfo | undefined> {
    const d = parseDigest(digest);
    try {
      const st = await fsp.stat(this.#layout.blob(d));
      return st.isFile() ? { digest: d, size: st.size } : undefined;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  async readBytes(digest: Digest): Promise<Buffer> {
    const d = parseDigest(digest);
    try {
      return await fsp.readFile(this.#layout.blob(d));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw noSuchBlob(d, err);
      throw err;
    }
  }

  readStream(digest: Digest): Readable {
    const d = parseDigest(digest);
    const file = this.#layout.blob(d);
    let fd: number;
    try {
      // Opened synchronously so that an absent blob throws here, and a concurrent delete cannot race the read.
      fd = fs.openSync(file, fs.constants.O_RDONLY);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw noSuchBlob(d, err);
      throw err;
    }
    return fs.createReadStream(file, { fd, highWaterMark: 1 << 20 });
  }

  async ingest(source: Readable, opts: { expected?: Digest; maxSize?: number; signal?: AbortSignal } = {}): Promise<BlobInfo> {
    const expected = opts.expected === undefined ? undefined : parseDigest(opts.expected);
    opts.signal?.throwIfAborted();
    const tmp = path.join(this.#layout.ingestDir, randomBytes(16).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (opts.maxSize !== undefined && size > opts.maxSize) {
          callback(new WharfError('TooLarge', 'WHARF_BLOB_TOO_LARGE', `blob is larger than the limit of ${opts.maxSize} bytes`));
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    let sink: fs.WriteStream | undefined;
    try {
      // flush: the file is fsynced before it is closed, so the rename below never publishes unwritten data.
      sink = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o644, flush: true });
      await pipeline(source, meter, sink, opts.signal ? { signal: opts.signal } : {});
      const digest = parseDigest(`sha256:${hash.digest('hex')}`);
      if (expected !== undefined && digest !== expected) {
        throw invalidArgument('WHARF_DIGEST_MISMATCH', `digest mismatch: expected ${expected}, got ${digest}`);
      }
      await this.#commit(tmp, digest);
      return { digest, size };
    } catch (err) {
      // A failed pipeline destroys the sink while its open(2) may still be in flight: wait until it has closed, or
      // the ingest file appears after the rm below and outlives the failure.
      const pending = sink;
      if (pending !== undefined && !pending.closed) await new Promise<void>((resolve) => pending.once('close', () => resolve()));
      await fsp.rm(tmp, { force: true });
      throw err;
    }
  }

  async put(bytes: Buffer | string, expected?: Digest): Promise<BlobInfo> {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    return this.ingest(Readable.from([buf]), expected === undefined ? {} : { expected });
  }

  async *list(): AsyncIterable<BlobInfo> {
    for (const name of await fsp.readdir(this.#layout.blobsDir)) {
      if (!isFullId(name)) continue;
      const info = await this.info(parseDigest(`sha256:${name}`));
      if (info !== undefined) yield info;
    }
  }

  async delete(digest: Digest): Promise<void> {
    await fsp.rm(this.#layout.blob(parseDigest(digest)), { force: true });
  }

  /** commit publishes a verified, fsynced ingest file under its digest, then makes the rename durable. */
  async #commit(tmp: string, digest: Digest): Promise<void> {
    const target = this.#layout.blob(digest);
    if ((await this.info(digest)) !== undefined) {
      await fsp.rm(tmp, { force: true });
      return;
    }
    await fsp.rename(tmp, target);
    await fsyncDir(this.#layout.blobsDir);
  }
}

function noSuchBlob(digest: Digest, cause: unknown): WharfError {
  return notFound('WHARF_NO_SUCH_BLOB', `content digest ${digest}: not found`, cause);
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
