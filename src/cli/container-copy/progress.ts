import { Transform, type Writable } from 'node:stream';
import { humanSizeWithPrecision } from '../render/units.js';

/** COPY_TO_HEADER and COPY_FROM_HEADER are docker's progress line prefixes. */
export const COPY_TO_HEADER = 'Copying to container - ';
export const COPY_FROM_HEADER = 'Copying from container - ';

const UPDATE_MS = 75;
// morikuni/aec's sequences, as docker's cp writes them.
const SAVE = '\x1b[s';
const RESTORE = '\x1b[u';
const HIDE = '\x1b[?25l';
const SHOW = '\x1b[?25h';
const ERASE_LINE = '\x1b[2K';
const ERASE_TAIL = '\x1b[0K';

/** progressHumanSize is docker's cp size format (3 significant digits, decimal units: "2.05kB"). */
export function progressHumanSize(n: number): string {
  return humanSizeWithPrecision(n, 3);
}

/** ByteCounter is a pass-through stream that counts the bytes going through it. */
export class ByteCounter extends Transform {
  total = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.total += chunk.length;
    cb(null, chunk);
  }
}

/**
 * CopyProgress is docker's copyProgress: on a terminal "Preparing to copy...", then `header` and the bytes counted
 * so far, redrawn every 75 ms; `done` erases that line and prints "Successfully copied <size> to <dest>". Off a
 * terminal only the summary line is written. (Whether to show progress at all is the caller's: docker is quiet
 * unless stdout is a terminal or -q=false is given.)
 */
export class CopyProgress {
  readonly #out: Writable;
  readonly #header: string;
  readonly #counter: ByteCounter;
  readonly #timer: NodeJS.Timeout | undefined;
  #last = 0;

  constructor(out: Writable, isTerminal: boolean, header: string, counter: ByteCounter) {
    this.#out = out;
    this.#header = header;
    this.#counter = counter;
    if (!isTerminal) return;
    out.write(`${SAVE}Preparing to copy...${HIDE}${RESTORE}${ERASE_LINE}${header}${progressHumanSize(0)}`);
    this.#timer = setInterval(() => this.#tick(), UPDATE_MS);
  }

  #tick(): void {
    const n = this.#counter.total;
    if (n === this.#last) return;
    this.#last = n;
    this.#out.write(`\x1b[${this.#header.length + 1}G${ERASE_TAIL}${progressHumanSize(n)}`);
  }

  /** done stops redrawing, clears the progress line (on a terminal) and prints docker's summary line. */
  done(dest: string): void {
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#out.write(`${SHOW}${RESTORE}${ERASE_LINE}`);
    }
    this.#out.write(`Successfully copied ${progressHumanSize(this.#counter.total)} to ${dest}\n`);
  }
}
