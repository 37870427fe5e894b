/**
 * indentJson is Go's json.Indent(dst, src, "", indent): the tokens are kept byte for byte (numbers and string
 * escapes exactly as the daemon sent them), whitespace is re-laid, `:` is followed by one space, and empty
 * objects and arrays stay `{}` and `[]`. With `indent` undefined it is json.Compact.
 */
export function indentJson(src: string, indent?: string): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  let inString = false;
  let escaped = false;
  const newline = (): string => (indent === undefined ? '' : `\n${indent.repeat(depth)}`);
  for (const c of src) {
    if (inString) {
      out += c;
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (needIndent && c !== '}' && c !== ']') {
      needIndent = false;
      depth++;
      out += newline();
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case '{':
      case '[':
        needIndent = true;
        out += c;
        break;
      case ',':
        out += c + newline();
        break;
      case ':':
        out += indent === undefined ? c : ': ';
        break;
      case '}':
      case ']':
        if (needIndent) needIndent = false;
        else {
          depth--;
          out += newline();
        }
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}
