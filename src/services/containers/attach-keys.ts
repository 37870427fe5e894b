import { invalidArgument } from '../../common/errors.js';

/** DEFAULT_DETACH_KEYS is Docker's detach sequence, ctrl-p ctrl-q. */
export const DEFAULT_DETACH_KEYS: Uint8Array = Uint8Array.of(16, 17);

// compat: moby/term's ASCII table: "ctrl-@" is 0, "ctrl-a" 1 ... "ctrl-z" 26, then "ctrl-[" to "ctrl-_" 27-31.
const CTRL_NAMES: readonly string[] = [
  'ctrl-@', ...'abcdefghijklmnopqrstuvwxyz'.split('').map((c) => `ctrl-${c}`), 'ctrl-[', 'ctrl-\\', 'ctrl-]', 'ctrl-^', 'ctrl-_',
];

/**
 * parseDetachKeys reads Docker's detach-keys notation (moby/term ToBytes): comma-separated keys, each a single
 * character or "ctrl-<x>" (a-z, @, [, \, ], ^, _; lower case only) or "DEL". Returns undefined for "" (the
 * default applies). Anything else is InvalidArgument "Invalid detach keys (<keys>) provided" (Docker's words).
 */
export function parseDetachKeys(keys: string): Uint8Array | undefined {
  if (keys === '') return undefined;
  const codes: number[] = [];
  for (const key of keys.split(',')) {
    const code = keyCode(key);
    if (code === undefined) throw invalidDetachKeys(keys);
    codes.push(code);
  }
  return Uint8Array.from(codes);
}

function keyCode(key: string): number | undefined {
  // compat: ToBytes takes a one-byte key as it is; a multi-byte character is not a key.
  if (Buffer.byteLength(key) === 1) return key.charCodeAt(0);
  const ctrl = CTRL_NAMES.indexOf(key);
  if (ctrl >= 0) return ctrl;
  return key === 'DEL' ? 127 : undefined;
}

/** invalidDetachKeys is Docker's 400 for a detach-keys string it cannot read. */
export const invalidDetachKeys = (keys: string): Error =>
  invalidArgument('WHARF_INVALID_DETACH_KEYS', `Invalid detach keys (${keys}) provided`);

/**
 * DetachKeyScanner finds the detach sequence in a TTY's input, as moby/term's escape proxy does: bytes that may
 * start the sequence are held back; when the next byte does not continue it, they are released in front of it
 * (and matching starts over after that byte); the complete sequence is swallowed and reported. It matches
 * across chunk boundaries, so a sequence typed in two packets is found as well.
 */
export class DetachKeyScanner {
  readonly #keys: Uint8Array;
  #pos = 0;

  constructor(keys: Uint8Array = DEFAULT_DETACH_KEYS) {
    this.#keys = keys.length > 0 ? keys : DEFAULT_DETACH_KEYS;
  }

  /**
   * scan consumes one chunk of input: `forward` is what may go to the process now; `detach` is true when the
   * sequence completed (what followed it in the chunk is dropped, as the session ends there).
   */
  scan(chunk: Uint8Array): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.#keys[this.#pos]) {
        this.#pos++;
        if (this.#pos === this.#keys.length) {
          this.#pos = 0;
          return { forward: Buffer.from(out), detach: true };
        }
        continue;
      }
      // compat: a mismatch releases the held prefix and this byte; it is not tried as a new start.
      for (let i = 0; i < this.#pos; i++) out.push(this.#keys[i] as number);
      this.#pos = 0;
      out.push(byte);
    }
    return { forward: Buffer.from(out), detach: false };
  }

  /** pending is the held-back prefix, to release when the input ends without completing the sequence. */
  pending(): Buffer {
    return Buffer.from(this.#keys.subarray(0, this.#pos));
  }
}
