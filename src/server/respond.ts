import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// JSON.stringify cannot write a bigint, and a Number cannot hold nanosecond timestamps (timeNano) exactly, so
// bigints go out as raw integer digits through a marker no caller can produce.
const BIGINT_MARK = `\u0000${randomUUID()}:`;
const BIGINT_MARK_RE = new RegExp(`"\\\\u0000${BIGINT_MARK.slice(1)}(-?\\d+)"`, 'g');

/** toJson serialises a wire value as dockerd's encoder does (no HTML escaping), writing bigints as exact integers. */
export function toJson(value: unknown): string {
  let sawBigint = false;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'bigint') return v;
    sawBigint = true;
    return `${BIGINT_MARK}${v.toString()}`;
  });
  return sawBigint ? text.replace(BIGINT_MARK_RE, '$1') : text;
}

/** sendJson writes a whole JSON response; like dockerd's encoder, the body ends with a newline. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${toJson(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** sendText writes a whole plain-text response. */
export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** sendEmpty writes a response without a body (201 tag, 204 no content). */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

/**
 * JsonLineStream writes a streamed JSON response one message per line, each written (and so flushed) as it comes,
 * waiting for the socket to drain so a slow client slows the producer down instead of growing memory.
 *
 * compat: progress streams (load, import, pull) end lines with "\r\n" as dockerd's streamformatter does; the event
 * stream ends them with "\n" as its json.Encoder does.
 */
export class JsonLineStream {
  readonly #res: ServerResponse;
  readonly #eol: string;

  constructor(res: ServerResponse, opts: { eol: '\n' | '\r\n'; status?: number }) {
    this.#res = res;
    this.#eol = opts.eol;
    if (!res.headersSent) {
      res.writeHead(opts.status ?? 200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
    }
  }

  /** write sends one message; it resolves once the socket can take more. */
  async write(message: unknown): Promise<void> {
    if (this.#res.destroyed || this.#res.writableEnded) return;
    if (!this.#res.write(`${toJson(message)}${this.#eol}`)) {
      await Promise.race([once(this.#res, 'drain'), once(this.#res, 'close')]);
    }
  }

  /** writeError sends dockerd's in-stream error message, for failures after the 200 status went out. */
  async writeError(message: string): Promise<void> {
    await this.write({ errorDetail: { message }, error: message });
  }

  /** end finishes the response. */
  end(): void {
    if (!this.#res.writableEnded) this.#res.end();
  }
}

/** sendStream pipes a readable body (a tar archive) to the client with backpressure. */
export async function sendStream(res: ServerResponse, body: Readable, contentType: string): Promise<void> {
  res.writeHead(200, { 'Content-Type': contentType });
  await pipeline(body, res);
}
