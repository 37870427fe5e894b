import { Writable } from 'node:stream';

/** StdStream is a stream number of Docker's multiplexed framing: 0 stdin, 1 stdout, 2 stderr. */
export type StdStream = 0 | 1 | 2;

/** FRAME_HEADER_BYTES is the size of a multiplexed frame's header. */
export const FRAME_HEADER_BYTES = 8;

// Each frame carries at most this much, so the 32-bit length can never overflow and one huge write does not
// become one huge frame (moby's stdcopy writes what it is given; any split is equally valid for readers).
const MAX_FRAME_PAYLOAD = 1 << 20;

/**
 * frameHeader is the 8-byte header of a multiplexed frame (moby stdcopy): the stream number, three zero bytes,
 * and the payload length as a big-endian uint32.
 */
export function frameHeader(stream: StdStream, length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) throw new RangeError(`invalid frame length ${length}`);
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header[0] = stream;
  header.writeUInt32BE(length, 4);
  return header;
}

/** encodeFrames splits `payload` into multiplexed frames of one stream (an empty payload gives no frame). */
export function encodeFrames(stream: StdStream, payload: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < payload.length; at += MAX_FRAME_PAYLOAD) {
    const part = payload.subarray(at, Math.min(payload.length, at + MAX_FRAME_PAYLOAD));
    out.push(frameHeader(stream, part.length), part);
  }
  return out;
}

/** DecodedFrame is one frame read back from a multiplexed stream. */
export interface DecodedFrame {
  readonly stream: number;
  readonly payload: Buffer;
}

/**
 * decodeFrames reads complete frames from the front of `buf`; `rest` is the incomplete tail to prepend to the
 * next chunk. Used by tests and by anything that reads a multiplexed stream back.
 */
export function decodeFrames(buf: Buffer): { frames: DecodedFrame[]; rest: Buffer } {
  const frames: DecodedFrame[] = [];
  let at = 0;
  while (buf.length - at >= FRAME_HEADER_BYTES) {
    const length = buf.readUInt32BE(at + 4);
    if (buf.length - at - FRAME_HEADER_BYTES < length) break;
    frames.push({ stream: buf[at] as number, payload: buf.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length) });
    at += FRAME_HEADER_BYTES + length;
  }
  return { frames, rest: buf.subarray(at) };
}

/**
 * streamWriter is a Writable that puts what it is given on a hijacked connection: as multiplexed frames of
 * `stream` when `stream` is given, as raw bytes otherwise (TTY). Each write completes once the connection has
 * taken it, so a slow client slows the producer instead of growing memory. Ending the writer does not end the
 * connection (stdout and stderr share it); a connection that is gone fails the write.
 */
export function streamWriter(connection: NodeJS.WritableStream & { destroyed?: boolean }, stream?: 1 | 2): Writable {
  return new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      if (connection.destroyed === true) {
        callback(new Error('the client connection is closed'));
        return;
      }
      const parts = stream === undefined ? [chunk] : encodeFrames(stream, chunk);
      const last = parts.length - 1;
      if (last < 0) {
        callback();
        return;
      }
      parts.forEach((part, i) => {
        if (i < last) connection.write(part);
        else connection.write(part, (err?: Error | null) => callback(err ?? undefined));
      });
    },
  });
}
