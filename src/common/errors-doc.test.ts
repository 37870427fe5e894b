import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Keeps docs/errors.md and the code in step (fastify's errors.test.js): every quoted WHARF_* literal in src/ is an
// error code and is documented, except the names of environment variables; every documented code is still used.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const LITERAL = /['"`](WHARF_[A-Z0-9_]+)['"`]/g;
const ENV_USE = /env(?:\.|\[['"])(WHARF_[A-Z0-9_]+)/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    // Test doubles (testing/ folders, *.test-support.ts) carry codes of their own that users never meet.
    if (e.isDirectory()) return e.name === 'testing' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !/\.(test|gen|test-support)\.ts$/.test(e.name) ? [p] : [];
  });
}

test('every error code is documented in docs/errors.md and every documented code is used', () => {
  const literals = new Set<string>();
  const envNames = new Set<string>();
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(LITERAL)) literals.add(m[1] as string);
    for (const m of text.matchAll(ENV_USE)) envNames.add(m[1] as string);
  }
  const used = new Set([...literals].filter((c) => !envNames.has(c)));
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\|\s*`?(WHARF_[A-Z0-9_]+)`?\s*\|/gm)].map((m) => m[1] as string));
  assert.ok(used.size > 0, 'found no error codes in src/: the pattern is broken');
  assert.deepEqual([...used].filter((c) => !documented.has(c)).sort(), [], 'codes used but not documented');
  assert.deepEqual([...documented].filter((c) => !used.has(c)).sort(), [], 'codes documented but not used');
});
