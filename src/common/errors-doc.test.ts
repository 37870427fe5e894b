import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Keeps docs/errors.md and the code in step (fastify's errors.test.js): every WHARF_* code given to an error
// constructor in src/ is documented, and every documented code is still used.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const USE = /(?:notFound|invalidArgument|conflict|internal)\(\s*'(WHARF_[A-Z0-9_]+)'|new WharfError\(\s*'\w+',\s*'(WHARF_[A-Z0-9_]+)'/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.gen.ts') ? [p] : [];
  });
}

test('every error code is documented in docs/errors.md and every documented code is used', () => {
  const used = new Set<string>();
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(USE)) used.add((m[1] ?? m[2]) as string);
  }
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\|\s*`?(WHARF_[A-Z0-9_]+)`?\s*\|/gm)].map((m) => m[1] as string));
  assert.ok(used.size > 0, 'found no error codes in src/: the pattern is broken');
  assert.deepEqual([...used].filter((c) => !documented.has(c)).sort(), [], 'codes used but not documented');
  assert.deepEqual([...documented].filter((c) => !used.has(c)).sort(), [], 'codes documented but not used');
});
