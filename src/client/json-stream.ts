import type { Readable } from 'node:stream';
import { WharfError } from '../common/errors.js';

/**
 * JsonMessage is one message of the daemon's JSON progress stream (pull, import, load, build), docker's
 * jsonmessage.JSONMessage.
 */
export interface JsonMessage {
  stream?: string;
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number; start?: number; hidecounts?: boolean; units?: string };
  id?: string;
  from?: string;
  time?: number;
  timeNano?: number;
  errorDetail?: { code?: number; message?: string };
  error?: string;
  aux?: unknown;
}

/**
 * readJsonStream yields each JSON value of a stream of concatenated JSON documents, as Go's json.Decoder reads
 * them: values may be separated by newlines (json-lines) or by nothing at all. A malformed value throws
 * Internal/WHARF_BAD_JSON_STREAM.
 */
export async function* readJsonStream(stream: Readable, opts: { bigIntKeys?: readonly string[] } = {}): AsyncGenerator<unknown> {
  const parse = opts.bigIntKeys?.length ? exactParser(opts.bigIntKeys) : parseJson;
  const splitter = new JsonSplitter();
  // Decode as text at the stream, so multi-byte characters split across chunks survive.
  stream.setEncoding('utf8');
  for await (const chunk of stream) {
    for (const text of splitter.push(typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8'))) {
      yield parse(text);
    }
  }
  const rest = splitter.rest().trim();
  if (rest !== '') yield parse(rest);
}

const BIG = '\u0000bigint:';

/**
 * exactParser parses JSON keeping the integer values of the given keys exact, as BigInt: event `timeNano` values
 * (about 1.8e18) are beyond a double's 53 bits.
 */
function exactParser(keys: readonly string[]): (text: string) => unknown {
  const re = new RegExp(`"(${keys.map((k) => k.replace(/[^\w]/g, '')).join('|')})"(\\s*):(\\s*)(-?\\d+)(?=\\s*[,}])`, 'g');
  const revive = (_k: string, v: unknown): unknown => (typeof v === 'string' && v.startsWith(BIG) ? BigInt(v.slice(BIG.length)) : v);
  // The marker is written as the JSON escape \u0000 (a raw NUL is not allowed inside a JSON string).
  return (text) => parseJson(text.replace(re, (_m, k: string, a: string, b: string, n: string) => `"${k}"${a}:${b}"\\u0000bigint:${n}"`), revive);
}

function parseJson(text: string, reviver?: (key: string, value: unknown) => unknown): unknown {
  try {
    return JSON.parse(text, reviver);
  } catch (err) {
    throw new WharfError('Internal', 'WHARF_BAD_JSON_STREAM', `invalid JSON in the daemon's stream: ${text.slice(0, 200)}`, { cause: err });
  }
}

/** JsonSplitter finds the boundaries of top-level JSON values in text that arrives in pieces. */
class JsonSplitter {
  #buf = '';
  #scan = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #start = -1;

  push(text: string): string[] {
    this.#buf += text;
    const out: string[] = [];
    let i = this.#scan;
    while (i < this.#buf.length) {
      const end = this.#step(i);
      if (end < 0) {
        i++;
        continue;
      }
      out.push(this.#take(end));
      i = 0;
    }
    this.#scan = this.#buf.length;
    return out;
  }

  /** step looks at one character; it returns the end offset of a complete value, or -1. */
  #step(i: number): number {
    const c = this.#buf[i] ?? '';
    if (this.#start < 0) {
      if (/\s/.test(c)) return -1;
      this.#start = i;
      this.#depth = 0;
    }
    if (this.#inString) {
      if (this.#escaped) this.#escaped = false;
      else if (c === '\\') this.#escaped = true;
      else if (c === '"') {
        this.#inString = false;
        if (this.#depth === 0) return i + 1;
      }
      return -1;
    }
    // A bare scalar (number, true, false, null) ends at the first space or delimiter after it.
    if (this.#depth === 0 && i > this.#start && /[\s,{["]/.test(c)) return i;
    if (c === '"') this.#inString = true;
    else if (c === '{' || c === '[') this.#depth++;
    else if ((c === '}' || c === ']') && --this.#depth === 0) return i + 1;
    return -1;
  }

  #take(end: number): string {
    const text = this.#buf.slice(this.#start, end);
    this.#buf = this.#buf.slice(end);
    this.#scan = 0;
    this.#start = -1;
    return text;
  }

  rest(): string {
    return this.#start < 0 ? '' : this.#buf.slice(this.#start);
  }
}
