import { templateError } from './template-error.js';

/** Token is one lexical item of a Go template, with its byte offset in the source. */
export type Token =
  | { t: 'text'; value: string; pos: number }
  | { t: 'left' | 'right' | 'lparen' | 'rparen' | 'pipe' | 'declare' | 'assign' | 'comma' | 'space' | 'dot' | 'eof'; pos: number }
  | { t: 'field' | 'var' | 'ident' | 'keyword'; value: string; pos: number }
  | { t: 'lit'; value: string | number | boolean | null; text: string; pos: number };

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);
const SPACE = /[ \t\r\n]/;
const ALNUM = /[\p{L}\p{N}_]/u;
const NUMBER_RE = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/;

/** lex splits a Go template into tokens, applying `{{-`/`-}}` trim markers and dropping comments. */
export function lex(name: string, src: string): Token[] {
  const toks: Token[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos < src.length) {
    const open = src.indexOf('{{', pos);
    let text = src.slice(pos, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) toks.push({ t: 'text', value: text, pos });
      break;
    }
    let p = open + 2;
    if (src[p] === '-' && SPACE.test(src[p + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      p += 2;
    }
    if (text) toks.push({ t: 'text', value: text, pos });
    const res = src.startsWith('/*', skipSpace(src, p)) ? lexComment(name, src, p) : lexAction(name, src, p, toks, open);
    pos = res.end;
    trimNext = res.trim;
  }
  toks.push({ t: 'eof', pos: src.length });
  return toks;
}

function skipSpace(src: string, p: number): number {
  while (SPACE.test(src[p] ?? '')) p++;
  return p;
}

function lexComment(name: string, src: string, p: number): { end: number; trim: boolean } {
  const start = skipSpace(src, p);
  const close = src.indexOf('*/', start + 2);
  if (close < 0) throw templateError(name, src, start, 'unclosed comment');
  const after = close + 2;
  if (src.startsWith(' -}}', after) || src.startsWith('\t-}}', after)) return { end: after + 4, trim: true };
  if (src.startsWith('}}', after)) return { end: after + 2, trim: false };
  throw templateError(name, src, start, 'comment ends before closing delimiter');
}

function atRightDelim(src: string, p: number): 0 | 2 | 4 {
  if (SPACE.test(src[p] ?? '') && src[p + 1] === '-' && src.startsWith('}}', p + 2)) return 4;
  return src.startsWith('}}', p) ? 2 : 0;
}

const PUNCT: Readonly<Record<string, 'lparen' | 'rparen' | 'pipe' | 'comma' | 'assign'>> = {
  '(': 'lparen',
  ')': 'rparen',
  '|': 'pipe',
  ',': 'comma',
  '=': 'assign',
};

function lexAction(name: string, src: string, p: number, toks: Token[], open: number): { end: number; trim: boolean } {
  toks.push({ t: 'left', pos: open });
  let depth = 0;
  for (;;) {
    const delim = atRightDelim(src, p);
    if (delim) {
      if (depth > 0) throw templateError(name, src, p, 'unclosed left paren');
      toks.push({ t: 'right', pos: p });
      return { end: p + delim, trim: delim === 4 };
    }
    const c = src[p];
    if (c === undefined) throw templateError(name, src, p, 'unclosed action');
    const punct = PUNCT[c];
    if (punct) {
      if (punct === 'lparen') depth++;
      if (punct === 'rparen' && --depth < 0) throw templateError(name, src, p, 'unexpected right paren');
      toks.push({ t: punct, pos: p++ });
    } else if (SPACE.test(c)) {
      const start = p;
      while (SPACE.test(src[p] ?? '') && !atRightDelim(src, p)) p++;
      if (p > start) toks.push({ t: 'space', pos: start });
    } else if (c === ':') {
      if (src[p + 1] !== '=') throw templateError(name, src, p, 'expected :=');
      toks.push({ t: 'declare', pos: p });
      p += 2;
    } else if (c === '"' || c === '`' || c === "'") p = lexQuote(name, src, p, toks);
    else p = lexWord(name, src, p, toks);
  }
}

/** lexWord reads a field (.Name), variable ($x), number, keyword, literal or function name. */
function lexWord(name: string, src: string, p: number, toks: Token[]): number {
  const start = p;
  const c = src[p] ?? '';
  if (c === '$' || (c === '.' && !/\d/.test(src[p + 1] ?? ''))) {
    p++;
    while (ALNUM.test(src[p] ?? '')) p++;
    const word = src.slice(start + 1, p);
    if (c === '$') toks.push({ t: 'var', value: `$${word}`, pos: start });
    else toks.push(word ? { t: 'field', value: word, pos: start } : { t: 'dot', pos: start });
    return p;
  }
  const num = NUMBER_RE.exec(src.slice(p));
  if (num && /\d/.test(num[0])) {
    p += num[0].length;
    if (ALNUM.test(src[p] ?? '')) throw templateError(name, src, start, `bad number syntax: "${src.slice(start, p + 1)}"`);
    toks.push({ t: 'lit', value: parseNumber(num[0]), text: num[0], pos: start });
    return p;
  }
  if (!ALNUM.test(c)) throw templateError(name, src, p, `unexpected "${c}" in command`);
  while (ALNUM.test(src[p] ?? '')) p++;
  const word = src.slice(start, p);
  if (word === 'true' || word === 'false') toks.push({ t: 'lit', value: word === 'true', text: word, pos: start });
  else if (word === 'nil') toks.push({ t: 'lit', value: null, text: word, pos: start });
  else toks.push({ t: KEYWORDS.has(word) ? 'keyword' : 'ident', value: word, pos: start });
  return p;
}

function parseNumber(text: string): number {
  const clean = text.replace(/_/g, '');
  const sign = clean.startsWith('-') ? -1 : 1;
  const body = clean.replace(/^[+-]/, '');
  if (/^0[xXbBoO]/.test(body)) return sign * Number(body);
  return sign * Number(body);
}

function lexQuote(name: string, src: string, p: number, toks: Token[]): number {
  const q = src[p] ?? '"';
  const start = p++;
  if (q === '`') {
    const close = src.indexOf('`', p);
    if (close < 0) throw templateError(name, src, start, 'unterminated raw quoted string');
    toks.push({ t: 'lit', value: src.slice(p, close), text: src.slice(start, close + 1), pos: start });
    return close + 1;
  }
  while (p < src.length && src[p] !== q) {
    if (src[p] === '\\') p++;
    if (src[p] === '\n') break;
    p++;
  }
  if (src[p] !== q) throw templateError(name, src, start, q === '"' ? 'unterminated quoted string' : 'unterminated character constant');
  const text = src.slice(start, p + 1);
  const value = unquote(text.slice(1, -1));
  if (q === "'") {
    const cps = [...value];
    if (cps.length !== 1) throw templateError(name, src, start, `malformed character constant: ${text}`);
    toks.push({ t: 'lit', value: cps[0]?.codePointAt(0) ?? 0, text, pos: start });
  } else {
    toks.push({ t: 'lit', value, text, pos: start });
  }
  return p + 1;
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** unquote decodes Go's string escapes (\n, \t, \x41, \u00e9, \U0001F600, octal \101). */
function unquote(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_m, e: string) => {
    if (e.length > 1 && (e[0] === 'x' || e[0] === 'u' || e[0] === 'U')) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ESCAPES[e] ?? e;
  });
}
