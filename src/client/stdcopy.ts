import { Writable } from 'node:stream';
import { WharfError } from '../common/errors.js';

// Docker's multiplexed stream format (moby pkg/stdcopy): frames of an 8-byte header — stream type (0 stdin,
// 1 stdout, 2 stderr, 3 system error), three zero bytes, a big-endian uint32 payload length — then the payload.
// Attach without a TTY and container logs use it to keep stdout and stderr apart.

const HEADER = 8;
const STDOUT = 1;
const STDERR = 2;
const SYSTEM_ERR = 3;

function writeWithDrain(out: Writable, chunk: Buffer): Promise<void> | undefined {
  if (out.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.once('close', done);
    out.once('error', done);
  });
}

/**
 * StdDemuxer is a Writable that splits a multiplexed stream: stdin and stdout frames go to `stdout`, stderr frames
 * to `stderr` (docker's StdCopy). It respects both destinations' backpressure. A system-error frame fails the
 * stream with `error from daemon in stream: <text>`; an unknown stream type with docker's `Unrecognized input
 * header` error. Neither destination is ended.
 */
export class StdDemuxer extends Writable {
  readonly #stdout: Writable;
  readonly #stderr: Writable;
  // Bytes of an incomplete frame, kept as chunks so that a large frame is concatenated once.
  #chunks: Buffer[] = [];
  #length = 0;
  #need = HEADER;

  constructor(stdout: Writable, stderr: Writable) {
    super();
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    if (this.#length < this.#need) {
      cb();
      return;
    }
    const buf = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks, this.#length);
    this.#chunks = [];
    this.#length = 0;
    this.#frames(buf).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    // A truncated last frame is dropped, as StdCopy stops at EOF.
    cb();
  }

  async #frames(input: Buffer): Promise<void> {
    let buf = input;
    while (buf.length >= HEADER && buf.length >= HEADER + buf.readUInt32BE(4)) {
      const size = buf.readUInt32BE(4);
      const type = buf[0];
      const payload = buf.subarray(HEADER, HEADER + size);
      buf = buf.subarray(HEADER + size);
      if (type === SYSTEM_ERR) {
        throw new WharfError('Internal', 'WHARF_STREAM_SYSTEM_ERROR', `error from daemon in stream: ${payload.toString('utf8')}`);
      }
      if (type !== 0 && type !== STDOUT && type !== STDERR) {
        throw new WharfError('Internal', 'WHARF_STREAM_BAD_HEADER', `Unrecognized input header: ${type}`);
      }
      if (size > 0) await writeWithDrain(type === STDERR ? this.#stderr : this.#stdout, payload);
    }
    if (buf.length > 0) {
      this.#chunks.push(buf);
      this.#length = buf.length;
    }
    this.#need = buf.length >= HEADER ? HEADER + buf.readUInt32BE(4) : HEADER;
  }
}

/** frame builds one multiplexed frame (for tests and fakes): stream type 1 (stdout), 2 (stderr) or 3 (error). */
export function frame(stream: number, payload: Buffer | string): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const head = Buffer.alloc(HEADER);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}
