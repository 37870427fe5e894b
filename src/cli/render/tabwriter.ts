/**
 * TabWriter is a port of Go's text/tabwriter (as forked by docker/cli, which measures cells in display columns):
 * tab-terminated cells in consecutive lines form a column block padded to the widest cell plus `padding`, with a
 * minimum of `minWidth`. The last cell of a line is not part of any column. Docker's tables use
 * `new TabWriter(10, 3)` (minwidth 10, padding 3, pad with spaces), `docker version` uses `(20, 1)`.
 */
export class TabWriter {
  readonly #minWidth: number;
  readonly #padding: number;
  #out = '';
  #lines: Cell[][] = [[]];
  #cell = '';
  #widths: number[] = [];

  constructor(minWidth: number, padding: number) {
    this.#minWidth = minWidth;
    this.#padding = padding;
  }

  /** write adds text; a line made of a single cell flushes the buffered block, as Go's writer does. */
  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\t' && ch !== '\n' && ch !== '\v' && ch !== '\f') continue;
      this.#cell += text.slice(start, i);
      start = i + 1;
      const ncells = this.#terminateCell(ch === '\t');
      if (ch === '\n' || ch === '\f') {
        this.#lines.push([]);
        if (ch === '\f' || ncells === 1) this.#flushBlock();
      }
    }
    this.#cell += text.slice(start);
  }

  /** flush formats everything buffered and returns the complete output so far. */
  flush(): string {
    if (this.#cell.length > 0) this.#terminateCell(false);
    this.#flushBlock();
    const out = this.#out;
    this.#out = '';
    return out;
  }

  #terminateCell(htab: boolean): number {
    const line = this.#lines[this.#lines.length - 1] ?? [];
    line.push({ text: this.#cell, width: displayWidth(this.#cell), htab });
    this.#cell = '';
    return line.length;
  }

  #flushBlock(): void {
    this.#format(0, this.#lines.length);
    this.#lines = [[]];
  }

  #format(line0: number, line1: number): void {
    const column = this.#widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= this.#cells(row).length - 1) continue;
      // A cell exists in this column: this line starts a column block.
      this.#writeLines(line0, row);
      line0 = row;
      let width = this.#minWidth;
      for (; row < line1; row++) {
        const cells = this.#cells(row);
        if (column >= cells.length - 1) break;
        const w = (cells[column]?.width ?? 0) + this.#padding;
        if (w > width) width = w;
      }
      this.#widths.push(width);
      this.#format(line0, row);
      this.#widths.pop();
      line0 = row;
    }
    this.#writeLines(line0, line1);
  }

  #cells(row: number): Cell[] {
    return this.#lines[row] ?? [];
  }

  #writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const cells = this.#cells(i);
      cells.forEach((c, j) => {
        this.#out += c.text;
        const w = this.#widths[j];
        if (w !== undefined) this.#out += ' '.repeat(Math.max(0, w - c.width));
      });
      // The last buffered line has no newline of its own (its text is the unterminated cell).
      if (i + 1 < this.#lines.length) this.#out += '\n';
    }
  }
}

interface Cell {
  text: string;
  width: number;
  htab: boolean;
}

/** displayWidth counts terminal columns: East Asian wide and fullwidth characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
