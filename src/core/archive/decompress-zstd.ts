import { Decompress } from 'fzstd';
import { invalidArgument, WharfError } from '../../common/errors.js';

/**
 * MAX_ZSTD_WINDOW is the largest zstd window accepted: 128 MiB, the default limit of the reference decoder
 * (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27), so anything `zstd -d` decodes without flags is accepted, while a hostile
 * frame header cannot make the decoder allocate gigabytes up front.
 */
export const MAX_ZSTD_WINDOW = 1 << 27;

// Input is fed to the decoder in small slices: fzstd decodes synchronously, so a slice bounds the output produced
// (and held in memory) before the consumer's backpressure and the bomb limits get a say (worst case, RLE blocks of
// 4 bytes each expanding to 128 KiB: 32 MiB per 1 KiB slice).
const SLICE = 1024;

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

type ScanState = 'magic' | 'descriptor' | 'header' | 'block' | 'body' | 'checksum' | 'skipSize' | 'off';

/**
 * ZstdFrameScanner follows the frame and block structure of a zstd stream (RFC 8878 section 3.1) just far enough
 * to check every frame's window size before the decoder sees it. Bytes it cannot make sense of are left for the
 * decoder to reject.
 */
class ZstdFrameScanner {
  #state: ScanState = 'magic';
  #field: number[] = [];
  #need = 4;
  #skip = 0;
  #descriptor = 0;
  #lastBlock = false;

  scan(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && this.#state !== 'off') {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        if (this.#skip === 0) this.#afterSkip();
        continue;
      }
      this.#field.push(chunk[i++] ?? 0);
      if (this.#field.length === this.#need) {
        const field = this.#field;
        this.#field = [];
        this.#onField(field);
      }
    }
  }

  #expect(state: ScanState, need: number): void {
    this.#state = state;
    this.#need = need;
  }

  #afterSkip(): void {
    if (this.#state === 'body' && this.#lastBlock) {
      if (this.#descriptor & 0x04) this.#expect('checksum', 4);
      else this.#expect('magic', 4);
    } else if (this.#state === 'body') this.#expect('block', 3);
    else this.#expect('magic', 4);
  }

  #onField(f: number[]): void {
    const le = (from: number, n: number): number => f.slice(from, from + n).reduceRight((acc, b) => acc * 256 + b, 0);
    switch (this.#state) {
      case 'magic': {
        const magic = le(0, 4) >>> 0;
        if (magic === ZSTD_MAGIC) this.#expect('descriptor', 1);
        else if (((magic & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC) this.#expect('skipSize', 4);
        else this.#state = 'off';
        return;
      }
      case 'descriptor': {
        const d = f[0] ?? 0;
        this.#descriptor = d;
        const singleSegment = (d >> 5) & 1;
        const fcsFlag = d >> 6;
        const dictBytes = [0, 1, 2, 4][d & 3] ?? 0;
        const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
        this.#expect('header', (singleSegment ? 0 : 1) + dictBytes + fcsBytes);
        if (this.#need === 0) this.#expect('block', 3);
        return;
      }
      case 'header':
        this.#checkWindow(f, le);
        this.#expect('block', 3);
        return;
      case 'block': {
        const h = le(0, 3);
        this.#lastBlock = (h & 1) === 1;
        const type = (h >> 1) & 3;
        this.#state = 'body';
        this.#skip = type === 1 ? 1 : h >>> 3;
        if (type === 3) this.#state = 'off';
        else if (this.#skip === 0) this.#afterSkip();
        return;
      }
      case 'checksum':
        this.#expect('magic', 4);
        return;
      case 'skipSize':
        this.#state = 'magic';
        this.#skip = le(0, 4);
        if (this.#skip === 0) this.#expect('magic', 4);
        return;
      default:
        return;
    }
  }

  #checkWindow(f: number[], le: (from: number, n: number) => number): void {
    const d = this.#descriptor;
    const singleSegment = (d >> 5) & 1;
    const dictBytes = [0, 1, 2, 4][d & 3] ?? 0;
    let window: number;
    if (singleSegment) {
      const fcsFlag = d >> 6;
      const at = dictBytes;
      window = fcsFlag === 1 ? le(at, 2) + 256 : le(at, f.length - at);
    } else {
      const wd = f[0] ?? 0;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    if (window > MAX_ZSTD_WINDOW) {
      throw new WharfError(
        'TooLarge',
        'WHARF_DECOMPRESSION_LIMIT',
        `zstd window of ${window} bytes exceeds the limit of ${MAX_ZSTD_WINDOW} bytes`,
      );
    }
  }
}

function zstdError(err: unknown): WharfError {
  if (err instanceof WharfError) return err;
  return invalidArgument('WHARF_INVALID_COMPRESSED_DATA', `invalid zstd data: ${(err as Error).message}`, err);
}

/** zstdChunks decodes a zstd stream (one or more frames) with the pure-JS fzstd decoder, honouring backpressure. */
export async function* zstdChunks(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const pending: Buffer[] = [];
  // fzstd hands out views of its window buffer, which later blocks overwrite: copy.
  const decoder = new Decompress((data) => {
    if (data.length > 0) pending.push(Buffer.from(data));
  });
  const scanner = new ZstdFrameScanner();
  let seen = false;
  try {
    for await (const chunk of input) {
      for (let i = 0; i < chunk.length; i += SLICE) {
        const slice = chunk.subarray(i, i + SLICE);
        scanner.scan(slice);
        decoder.push(slice);
        seen = true;
        while (pending.length > 0) yield pending.shift() as Buffer;
      }
    }
    if (seen) decoder.push(new Uint8Array(0), true);
  } catch (err) {
    throw zstdError(err);
  }
  while (pending.length > 0) yield pending.shift() as Buffer;
}
