import { invalidArgument } from '../../common/errors.js';

function badPattern(pattern: string): never {
  throw invalidArgument('WHARF_INVALID_FILTER', `syntax error in pattern: ${JSON.stringify(pattern)}`);
}

// Escapes valid in a unicode-mode regexp: syntax characters outside a class, plus `-` inside one.
function escapeLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function escapeInClass(c: string): string {
  return /[\\^\]\[-]/.test(c) ? `\\${c}` : c;
}

/** classToRegExp converts a `[...]` class starting at pattern[start] ('['); returns the regexp and the next index. */
function classToRegExp(pattern: string, start: number): { source: string; next: number } {
  let i = start + 1;
  let source = '[';
  if (pattern[i] === '^') {
    source += '^';
    i++;
  }
  let ranges = 0;
  for (;;) {
    if (i >= pattern.length) badPattern(pattern);
    if (pattern[i] === ']' && ranges > 0) return { source: `${source}]`, next: i + 1 };
    const lo = readClassChar(pattern, i);
    i = lo.next;
    if (pattern[i] === '-') {
      const hi = readClassChar(pattern, i + 1);
      if (hi.char < lo.char) badPattern(pattern);
      source += `${escapeInClass(lo.char)}-${escapeInClass(hi.char)}`;
      i = hi.next;
    } else {
      source += escapeInClass(lo.char);
    }
    ranges++;
  }
}

function readClassChar(pattern: string, i: number): { char: string; next: number } {
  const c = pattern[i];
  if (c === undefined || c === '-' || c === ']') badPattern(pattern);
  if (c === '\\') {
    const e = pattern[i + 1];
    if (e === undefined) badPattern(pattern);
    return { char: e, next: i + 2 };
  }
  return { char: c, next: i + 1 };
}

/**
 * globToRegExp compiles a shell pattern with Go's `path.Match` rules, which Docker uses for the `reference` filter:
 * `*` is any run of characters except `/`, `?` one character except `/`, `[a-z]`/`[^a-z]` a class, `\` escapes.
 * A malformed pattern is an InvalidArgument.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i] as string;
    if (c === '*') {
      source += '[^/]*';
      i++;
    } else if (c === '?') {
      source += '[^/]';
      i++;
    } else if (c === '[') {
      const cls = classToRegExp(pattern, i);
      source += cls.source;
      i = cls.next;
    } else if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) badPattern(pattern);
      source += escapeLiteral(e);
      i += 2;
    } else {
      source += escapeLiteral(c);
      i++;
    }
  }
  return new RegExp(`^${source}$`, 'u');
}

/** globMatch tells whether name matches pattern under Go's `path.Match` rules. */
export function globMatch(pattern: string, name: string): boolean {
  return globToRegExp(pattern).test(name);
}
