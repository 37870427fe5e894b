// Detach keys (moby/term ToBytes and EscapeProxy): a comma-separated key sequence such as `ctrl-p,ctrl-q` that, typed
// on an attached terminal, leaves the container running and ends the client.

/** DEFAULT_DETACH_KEYS is docker's default sequence, ctrl-p ctrl-q. */
export const DEFAULT_DETACH_KEYS: Uint8Array = Uint8Array.of(16, 17);

/**
 * parseDetachKeys is moby/term's ToBytes: each comma-separated key is a single character, `ctrl-@`, `ctrl-a` ...
 * `ctrl-z`, `ctrl-[`, `ctrl-\`, `ctrl-]`, `ctrl-^`, `ctrl-_` (codes 0-31) or `DEL` (127).
 */
export function parseDetachKeys(keys: string): Uint8Array {
  const codes: number[] = [];
  for (const key of keys.split(',')) {
    if (key.length === 1) {
      codes.push(key.charCodeAt(0) & 0xff);
      continue;
    }
    const m = /^ctrl-([@a-z[\\\]^_])$/.exec(key);
    if (m) codes.push((m[1] ?? '@').charCodeAt(0) & 0x1f);
    else if (key === 'DEL') codes.push(127);
    else throw new Error(`Unknown character: '${key}'`);
  }
  return Uint8Array.from(codes);
}

/** DetachScan is what one chunk of input yields: the bytes to forward, and whether the sequence was completed. */
export interface DetachScan {
  readonly data: Buffer;
  readonly detached: boolean;
}

/**
 * DetachKeyMatcher finds the detach sequence in a stream of input chunks. Bytes that might start the sequence are
 * held back until the sequence completes (they are then dropped) or breaks (they are forwarded); a byte that breaks
 * a partial match may itself start a new one.
 */
export class DetachKeyMatcher {
  readonly #keys: Uint8Array;
  #pos = 0;

  constructor(keys: Uint8Array) {
    this.#keys = keys;
  }

  /** feed scans one chunk; after `detached` is reported, the rest of that chunk is discarded. */
  feed(chunk: Buffer): DetachScan {
    const keys = this.#keys;
    if (keys.length === 0) return { data: chunk, detached: false };
    const out: number[] = [];
    for (const b of chunk) {
      if (b === keys[this.#pos]) {
        this.#pos++;
        if (this.#pos === keys.length) {
          this.#pos = 0;
          return { data: Buffer.from(out), detached: true };
        }
        continue;
      }
      if (this.#pos > 0) {
        for (let i = 0; i < this.#pos; i++) out.push(keys[i] ?? 0);
        this.#pos = 0;
        if (b === keys[0]) {
          this.#pos = 1;
          if (keys.length === 1) return { data: Buffer.from(out), detached: true };
          continue;
        }
      }
      out.push(b);
    }
    return { data: Buffer.from(out), detached: false };
  }
}
