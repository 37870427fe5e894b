/**
 * indentJson is Go's json.Indent(dst, src, "", indent): the tokens are kept byte for byte (numbers and string
 * escapes exactly as the daemon sent them), whitespace is re-laid, `:` is followed by one space, and empty
 * objects and arrays stay `{}` and `[]`. With `indent` undefined it is json.Compact.
 */
export function indentJson(src: string, indent?: string): string {
  const w = new IndentWriter(indent);
  for (const c of src) w.char(c);
  return w.out;
}

class IndentWriter {
  out = '';
  readonly #indent: string | undefined;
  #depth = 0;
  #needIndent = false;
  #inString = false;
  #escaped = false;

  constructor(indent: string | undefined) {
    this.#indent = indent;
  }

  #newline(): string {
    return this.#indent === undefined ? '' : `\n${this.#indent.repeat(this.#depth)}`;
  }

  char(c: string): void {
    if (this.#inString) {
      this.out += c;
      if (this.#escaped) this.#escaped = false;
      else if (c === '\\') this.#escaped = true;
      else if (c === '"') this.#inString = false;
      return;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') return;
    // The first token inside a non-empty object or array goes on a new, deeper line.
    if (this.#needIndent && c !== '}' && c !== ']') {
      this.#needIndent = false;
      this.#depth++;
      this.out += this.#newline();
    }
    this.#token(c);
  }

  #token(c: string): void {
    if (c === '"') this.#inString = true;
    if (c === '{' || c === '[') this.#needIndent = true;
    if (c === ',') {
      this.out += c + this.#newline();
      return;
    }
    if (c === ':') {
      this.out += this.#indent === undefined ? c : ': ';
      return;
    }
    if (c === '}' || c === ']') {
      if (this.#needIndent) this.#needIndent = false;
      else {
        this.#depth--;
        this.out += this.#newline();
      }
    }
    this.out += c;
  }
}
