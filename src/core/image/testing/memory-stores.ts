// TEST-ONLY: in-memory doubles of the ContentStore and Snapshotter ports for unit tests of core/image and
// services/images. Nothing outside *.test.ts files may import this module.
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Digest } from '../../../common/digest.js';
import { invalidArgument, notFound, WharfError } from '../../../common/errors.js';
import type { BlobInfo, ContentStore } from '../../content/content-store.js';
import type { SnapshotInfo, Snapshotter } from '../../snapshot/snapshotter.js';
import { nextChainId } from '../chain-id.js';

// Codes of failures only the doubles produce. Kept in constants: they are not product error codes (docs/errors.md).
const TEST_CODE = 'WHARF_TEST_DOUBLE';

const sha256 = (b: Buffer): Digest => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** MemoryContentStore is a test double of ContentStore keeping blobs in a Map, verifying digests like the real one. */
export class MemoryContentStore implements ContentStore {
  readonly blobs = new Map<Digest, Buffer>();
  /** ingests counts ingest() calls (tests assert single-pass behaviour with it). */
  ingests = 0;

  async info(digest: Digest): Promise<BlobInfo | undefined> {
    const b = this.blobs.get(digest);
    return b === undefined ? undefined : { digest, size: b.length };
  }

  async readBytes(digest: Digest): Promise<Buffer> {
    const b = this.blobs.get(digest);
    if (b === undefined) throw notFound('WHARF_NO_SUCH_BLOB', `blob ${digest} not found`);
    return b;
  }

  readStream(digest: Digest): Readable {
    const b = this.blobs.get(digest);
    if (b === undefined) throw notFound('WHARF_NO_SUCH_BLOB', `blob ${digest} not found`);
    // Several chunks, so consumers see a real stream.
    const chunks: Buffer[] = [];
    for (let i = 0; i < b.length; i += 7000) chunks.push(b.subarray(i, i + 7000));
    return Readable.from(chunks);
  }

  async ingest(source: Readable, opts: { expected?: Digest; maxSize?: number; signal?: AbortSignal } = {}): Promise<BlobInfo> {
    this.ingests++;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of source) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += b.length;
      if (opts.maxSize !== undefined && size > opts.maxSize) throw new WharfError('TooLarge', TEST_CODE, 'blob too large');
      chunks.push(b);
    }
    return this.put(Buffer.concat(chunks), opts.expected);
  }

  async put(bytes: Buffer | string, expected?: Digest): Promise<BlobInfo> {
    const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    const digest = sha256(b);
    if (expected !== undefined && expected !== digest) {
      throw invalidArgument('WHARF_DIGEST_MISMATCH', `digest mismatch: expected ${expected}, got ${digest}`);
    }
    this.blobs.set(digest, b);
    return { digest, size: b.length };
  }

  async *list(): AsyncIterable<BlobInfo> {
    for (const [digest, b] of [...this.blobs]) yield { digest, size: b.length };
  }

  async delete(digest: Digest): Promise<void> {
    this.blobs.delete(digest);
  }
}

/** MemorySnapshot is what MemorySnapshotter keeps of a layer: its info and the tar entries it contained. */
export interface MemorySnapshot extends SnapshotInfo {
  readonly files: ReadonlyMap<string, Buffer>;
}

/**
 * MemorySnapshotter is a test double of Snapshotter: apply() really parses the tar with tar-stream, verifies the
 * diffId over the bytes it read, checks the parent is committed and that chainId = chain(parent, diffId), and keeps
 * file contents in memory.
 */
export class MemorySnapshotter implements Snapshotter {
  readonly snaps = new Map<Digest, MemorySnapshot>();
  applies = 0;
  /** beforeCommit, when set, runs before an apply commits (tests use it to interleave operations). */
  beforeCommit: ((chainId: Digest) => Promise<void>) | undefined;

  async stat(chainId: Digest): Promise<SnapshotInfo | undefined> {
    return this.snaps.get(chainId);
  }

  async apply(chainId: Digest, parent: Digest | undefined, tarStream: Readable, opts: { diffId: Digest; signal?: AbortSignal }): Promise<SnapshotInfo> {
    this.applies++;
    if (parent !== undefined && !this.snaps.has(parent)) throw new WharfError('NotFound', TEST_CODE, `parent snapshot ${parent} not found`);
    if (nextChainId(parent, opts.diffId) !== chainId) throw new WharfError('Internal', TEST_CODE, `chain ${chainId} is not chain(${parent}, ${opts.diffId})`);
    const hash = createHash('sha256');
    const files = new Map<string, Buffer>();
    const extract = tar.extract();
    const hashing = new Writable({
      write(chunk: Buffer, _enc, cb): void {
        hash.update(chunk);
        if (extract.write(chunk)) cb();
        else extract.once('drain', () => cb());
      },
      final(cb): void {
        extract.end(undefined);
        cb();
      },
    });
    const reading = (async (): Promise<void> => {
      for await (const entry of extract) {
        const parts: Buffer[] = [];
        for await (const c of entry) parts.push(c as Buffer);
        files.set(entry.header.name, Buffer.concat(parts));
      }
    })();
    try {
      await Promise.all([pipeline(tarStream, hashing), reading]);
    } catch (err) {
      if (err instanceof WharfError) throw err;
      throw new WharfError('InvalidArgument', TEST_CODE, `invalid layer tar: ${(err as Error).message}`, { cause: err });
    }
    const diffId: Digest = `sha256:${hash.digest('hex')}`;
    if (diffId !== opts.diffId) throw invalidArgument('WHARF_DIGEST_MISMATCH', `layer diffId mismatch: expected ${opts.diffId}, got ${diffId}`);
    const existing = this.snaps.get(chainId);
    if (existing !== undefined) return existing;
    await this.beforeCommit?.(chainId);
    const size = [...files.values()].reduce((n, b) => n + b.length, 0);
    const snap: MemorySnapshot = { chainId, diffId, size, files, ...(parent === undefined ? {} : { parent }) };
    this.snaps.set(chainId, snap);
    return snap;
  }

  async list(): Promise<SnapshotInfo[]> {
    return [...this.snaps.values()];
  }

  async remove(chainId: Digest): Promise<void> {
    for (const s of this.snaps.values()) {
      if (s.parent === chainId) throw new WharfError('FailedPrecondition', TEST_CODE, `snapshot ${chainId} has children`);
    }
    this.snaps.delete(chainId);
  }

  async lowerDirs(chainId: Digest): Promise<string[]> {
    const dirs: string[] = [];
    for (let s = this.snaps.get(chainId); s !== undefined; s = s.parent === undefined ? undefined : this.snaps.get(s.parent)) {
      dirs.push(`/memory/${s.chainId}`);
    }
    return dirs;
  }
}
