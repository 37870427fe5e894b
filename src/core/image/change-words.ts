import { invalidArgument, type WharfError } from '../../common/errors.js';

/** EnvLookup returns the value of a variable, or undefined when it is not set. */
export type EnvLookup = (name: string) => string | undefined;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPACE = /\s/;

function changeError(message: string): WharfError {
  return invalidArgument('WHARF_INVALID_CHANGE', message);
}

/**
 * splitWords splits an instruction's arguments on whitespace outside quotes, keeping quotes and escapes in the
 * words for later processing (BuildKit's parser parseWords, used for ENV and LABEL `key=value` lists).
 */
export function splitWords(s: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (quote === undefined && SPACE.test(ch)) {
      if (word !== '') words.push(word);
      word = '';
      continue;
    }
    word += ch;
    if (ch === '\\' && quote !== "'" && i + 1 < s.length) word += s[++i];
    else if (quote === undefined && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = undefined;
  }
  if (word !== '') words.push(word);
  return words;
}

/** processWord removes quotes and escapes from a word and expands `$VAR` / `${VAR...}` (Dockerfile rules). */
export function processWord(word: string, env: EnvLookup): string {
  return new Lexer(word, env, false).run().join('');
}

/** processWords is processWord that also splits the result on unquoted whitespace, expansions included (EXPOSE). */
export function processWords(word: string, env: EnvLookup): string[] {
  return new Lexer(word, env, true).run();
}

/** Lexer walks one word the way BuildKit's shell lexer does, for the subset of shell syntax Dockerfiles allow. */
class Lexer {
  readonly #s: string;
  readonly #env: EnvLookup;
  readonly #split: boolean;
  #i = 0;
  #words: string[] = [];
  #word = '';
  #started = false;

  constructor(s: string, env: EnvLookup, split: boolean) {
    this.#s = s;
    this.#env = env;
    this.#split = split;
  }

  run(): string[] {
    while (this.#i < this.#s.length) {
      const ch = this.#s[this.#i++] as string;
      if (ch === "'") this.#single();
      else if (ch === '"') this.#double();
      else if (ch === '\\') this.#add(this.#i < this.#s.length ? (this.#s[this.#i++] as string) : '\\');
      else if (ch === '$') this.#addUnquoted(this.#dollar());
      else if (this.#split && SPACE.test(ch)) this.#break();
      else this.#add(ch);
    }
    this.#break();
    return this.#split ? this.#words : [this.#words.join('')];
  }

  #add(s: string): void {
    this.#word += s;
    this.#started = true;
  }

  /** addUnquoted adds expanded text outside quotes, where (in word-splitting mode) its whitespace splits words. */
  #addUnquoted(s: string): void {
    if (!this.#split) return this.#add(s);
    for (const ch of s) {
      if (SPACE.test(ch)) this.#break();
      else this.#add(ch);
    }
  }

  #break(): void {
    if (this.#started || !this.#split) this.#words.push(this.#word);
    this.#word = '';
    this.#started = false;
  }

  #single(): void {
    const end = this.#s.indexOf("'", this.#i);
    if (end < 0) throw changeError('unexpected end of statement while looking for matching single-quote');
    this.#add(this.#s.slice(this.#i, end));
    this.#i = end + 1;
  }

  #double(): void {
    this.#started = true;
    for (;;) {
      if (this.#i >= this.#s.length) throw changeError('unexpected end of statement while looking for matching double-quote');
      const ch = this.#s[this.#i++] as string;
      if (ch === '"') return;
      if (ch === '\\' && this.#i < this.#s.length && '"\\$'.includes(this.#s[this.#i] as string)) this.#add(this.#s[this.#i++] as string);
      else if (ch === '$') this.#add(this.#dollar());
      else this.#add(ch);
    }
  }

  /** dollar expands what follows a `$` (already consumed). */
  #dollar(): string {
    const s = this.#s;
    if (s[this.#i] === '{') return this.#braced();
    let name = '';
    if (this.#i < s.length && NAME_START.test(s[this.#i] as string)) {
      while (this.#i < s.length && NAME_CHAR.test(s[this.#i] as string)) name += s[this.#i++];
      return this.#env(name) ?? '';
    }
    return '$';
  }

  #braced(): string {
    const s = this.#s;
    this.#i++; // {
    let name = '';
    while (this.#i < s.length && NAME_CHAR.test(s[this.#i] as string)) name += s[this.#i++];
    if (name === '') throw changeError(`bad substitution: ${s}`);
    let depth = 1;
    const start = this.#i;
    while (this.#i < s.length && depth > 0) {
      if (s[this.#i] === '{') depth++;
      else if (s[this.#i] === '}') depth--;
      this.#i++;
    }
    if (depth > 0) throw changeError(`missing '}' in ${s}`);
    return this.#modifier(name, s.slice(start, this.#i - 1));
  }

  #modifier(name: string, rest: string): string {
    const value = this.#env(name);
    if (rest === '') return value ?? '';
    const m = /^(:?)([-+?])(.*)$/s.exec(rest);
    if (m === null) throw changeError(`unsupported modifier (${rest}) in substitution`);
    const [, colon, op, word = ''] = m;
    const set = colon === ':' ? value !== undefined && value !== '' : value !== undefined;
    const arg = (): string => processWord(word, this.#env);
    if (op === '-') return set ? (value ?? '') : arg();
    if (op === '+') return set ? arg() : '';
    if (!set) throw changeError(`${name}: ${word === '' ? 'is not allowed to be unset' : arg()}`);
    return value ?? '';
  }
}
