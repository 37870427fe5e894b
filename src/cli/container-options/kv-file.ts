import { readFileSync } from 'node:fs';
import type { Env } from './validators.js';

// docker/cli pkg/kvfile: the line format of --env-file and --label-file.

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
};

/** goFileError renders a failed file read the way Go's os package words it (`open x: no such file or directory`). */
export function goFileError(path: string, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'EISDIR') return `read ${path}: is a directory`;
  const text = typeof code === 'string' ? ERRNO_TEXT[code] : undefined;
  return `open ${path}: ${text ?? (err instanceof Error ? err.message : String(err))}`;
}

/**
 * parseKeyValueLines is kvfile's parser: leading whitespace is dropped, `#` lines and empty lines are skipped,
 * `KEY=VALUE` lines are kept as they are, and a bare `KEY` takes its value from `lookup` (or is dropped).
 */
export function parseKeyValueLines(text: string, lookup: ((key: string) => string | undefined) | undefined): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    let raw = (lines[i] ?? '').replace(/\r$/, '');
    if (i === 0) raw = raw.replace(/^\uFEFF/, '');
    const line = raw.replace(/^\s+/u, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (key === '') throw new Error(`no variable name on line '${line}'`);
    if (/[ \t]/.test(key)) throw new Error(`variable '${key}' contains whitespaces`);
    if (eq >= 0) out.push(line);
    else if (lookup) {
      const v = lookup(line);
      if (v !== undefined) out.push(`${key}=${v}`);
    }
  }
  return out;
}

/** readKeyValueFile reads one --env-file or --label-file; errors carry docker's wording. */
export function readKeyValueFile(path: string, lookup: ((key: string) => string | undefined) | undefined): string[] {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new Error(goFileError(path, err), { cause: err });
  }
  const text = buf.toString('utf8');
  try {
    if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(buf)) {
      const line = text.slice(0, text.indexOf('\uFFFD')).split('\n').length;
      throw new Error(`invalid utf8 bytes at line ${line}`);
    }
    return parseKeyValueLines(text, lookup);
  } catch (err) {
    throw new Error(`invalid env file (${path}): ${(err as Error).message}`, { cause: err });
  }
}

/**
 * readKvStrings is docker's ReadKVStrings / ReadKVEnvStrings: the files' pairs first, then the flag values, so
 * that flags override files. With `env`, bare keys in files take their value from it.
 */
export function readKvStrings(files: readonly string[], override: readonly string[], env?: Env): string[] {
  const lookup = env ? (k: string): string | undefined => env[k] : undefined;
  const out: string[] = [];
  for (const f of files) out.push(...readKeyValueFile(f, lookup));
  out.push(...override);
  return out;
}
