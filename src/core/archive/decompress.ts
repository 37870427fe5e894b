import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { invalidArgument, WharfError } from '../../common/errors.js';
import { zstdChunks } from './decompress-zstd.js';

/** Compression is how a tar stream is compressed, as told by its first bytes. */
export type Compression = 'none' | 'gzip' | 'zstd';

/**
 * DecompressLimits bound what a decompressor emits, so a decompression bomb cannot fill the disk or stall the
 * daemon: output beyond `maxBytes`, or beyond `ratioFloor` while more than `maxRatio` times the input consumed so
 * far, fails with TooLarge (code WHARF_DECOMPRESSION_LIMIT). The limits apply to plain streams too (ratio 1).
 */
export interface DecompressLimits {
  /** Absolute cap on decompressed bytes; default 64 GiB. */
  readonly maxBytes?: number;
  /** Largest expansion ratio tolerated once past `ratioFloor`; default 200. */
  readonly maxRatio?: number;
  /** Decompressed bytes below which the ratio is not checked; default 1 GiB. */
  readonly ratioFloor?: number;
}

/** DEFAULT_DECOMPRESS_LIMITS are the limits used when none are given. */
export const DEFAULT_DECOMPRESS_LIMITS: Required<DecompressLimits> = {
  maxBytes: 64 * 2 ** 30,
  maxRatio: 200,
  ratioFloor: 2 ** 30,
};

/** DecompressOptions are the limits plus a callback told what compression was detected. */
export interface DecompressOptions extends DecompressLimits {
  readonly onCompression?: (compression: Compression) => void;
}

// Input slices written to zlib: Node's zlib inflates a whole written chunk before it looks at backpressure, so a
// slice bounds the output held in memory at once (gzip expands at most ~1032:1: 16 MiB per 16 KiB slice).
const GZIP_SLICE = 16 * 1024;
const HEAD_BYTES = 6;

/**
 * detectCompression tells the compression of a stream from its first bytes (gzip 1f 8b, zstd 28 b5 2f fd).
 * Formats Docker also accepts but wharf cannot decode (bzip2, xz) fail with NotImplemented
 * (WHARF_UNSUPPORTED_COMPRESSION); anything else is taken as an uncompressed tar.
 */
export function detectCompression(head: Uint8Array): Compression {
  const b = (i: number): number => head[i] ?? -1;
  if (b(0) === 0x1f && b(1) === 0x8b) return 'gzip';
  if (b(0) === 0x28 && b(1) === 0xb5 && b(2) === 0x2f && b(3) === 0xfd) return 'zstd';
  if (b(0) === 0x42 && b(1) === 0x5a && b(2) === 0x68) unsupported('bzip2');
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a && b(5) === 0x00) unsupported('xz');
  return 'none';
}

function unsupported(format: string): never {
  throw new WharfError('NotImplemented', 'WHARF_UNSUPPORTED_COMPRESSION', `${format}-compressed archives are not supported; use gzip, zstd or no compression`);
}

/**
 * decompress returns the decompressed bytes of `source`, detecting the compression from its first bytes and
 * enforcing the decompression-bomb limits. Errors (corrupt data, limits, source errors) surface as errors of the
 * returned stream; destroying the returned stream stops reading the source. `source` itself is never destroyed: a
 * stream stopped early is left paused for its owner to close.
 *
 * ```ts
 * await pipeline(decompress(layerBlob), tarExtractor);
 * ```
 */
export function decompress(source: AsyncIterable<Buffer | Uint8Array | string>, opts: DecompressOptions = {}): Readable {
  return Readable.from(decompressChunks(source, opts), { objectMode: false });
}

async function* decompressChunks(source: AsyncIterable<Buffer | Uint8Array | string>, opts: DecompressOptions): AsyncGenerator<Buffer> {
  const limits = { ...DEFAULT_DECOMPRESS_LIMITS, ...definedLimits(opts) };
  const meter = { in: 0, out: 0 };
  // A Node stream is iterated without destroy-on-return: stopping early must not destroy a stream the caller owns
  // (an HTTP request body whose socket still has to carry the error response).
  const it = source instanceof Readable ? (source.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer>) : source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < HEAD_BYTES) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    const chunk = toBuffer(r.value);
    head.push(chunk);
    headLength += chunk.length;
  }
  let compression: Compression;
  try {
    compression = detectCompression(Buffer.concat(head));
  } catch (err) {
    if (!done) await it.return?.();
    throw err;
  }
  opts.onCompression?.(compression);
  const input = counted(replay(head, done ? undefined : it), meter);
  const output = compression === 'gzip' ? gunzipChunks(input) : compression === 'zstd' ? zstdChunks(input) : input;
  for await (const chunk of output) {
    meter.out += chunk.length;
    checkLimits(meter, limits);
    yield chunk;
  }
}

function definedLimits(opts: DecompressLimits): DecompressLimits {
  const out: { maxBytes?: number; maxRatio?: number; ratioFloor?: number } = {};
  if (opts.maxBytes !== undefined) out.maxBytes = opts.maxBytes;
  if (opts.maxRatio !== undefined) out.maxRatio = opts.maxRatio;
  if (opts.ratioFloor !== undefined) out.ratioFloor = opts.ratioFloor;
  return out;
}

function checkLimits(meter: { in: number; out: number }, limits: Required<DecompressLimits>): void {
  if (meter.out > limits.maxBytes) {
    throw new WharfError('TooLarge', 'WHARF_DECOMPRESSION_LIMIT', `decompressed data exceeds the limit of ${limits.maxBytes} bytes`);
  }
  if (meter.out > limits.ratioFloor && meter.out > meter.in * limits.maxRatio) {
    throw new WharfError(
      'TooLarge',
      'WHARF_DECOMPRESSION_LIMIT',
      `decompressed data expands more than ${limits.maxRatio} times beyond ${limits.ratioFloor} bytes (decompression bomb?)`,
    );
  }
}

function toBuffer(chunk: Buffer | Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk);
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

async function* replay(head: Buffer[], rest: AsyncIterator<Buffer | Uint8Array | string> | undefined): AsyncGenerator<Buffer> {
  for (const chunk of head) yield chunk;
  if (rest === undefined) return;
  try {
    for (let r = await rest.next(); r.done !== true; r = await rest.next()) yield toBuffer(r.value);
  } finally {
    // Stop the source when the consumer stops early (an error or a limit further down).
    await rest.return?.();
  }
}

async function* counted(input: AsyncIterable<Buffer>, meter: { in: number }): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    meter.in += chunk.length;
    yield chunk;
  }
}

async function* sliced(input: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    for (let i = 0; i < chunk.length; i += size) yield chunk.subarray(i, i + size);
  }
}

async function* gunzipChunks(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = zlib.createGunzip();
  // Errors of either side end up on `gunzip`, where the iteration below sees them.
  const out = pipeline(Readable.from(sliced(input, GZIP_SLICE)), gunzip, () => undefined);
  try {
    for await (const chunk of out) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof WharfError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_')) throw invalidArgument('WHARF_INVALID_COMPRESSED_DATA', `invalid gzip data: ${(err as Error).message}`, err);
    throw err;
  }
}
