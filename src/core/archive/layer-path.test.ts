import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanEntryName, parentOf, roleOf } from './layer-path.js';

test('cleanEntryName: ./ prefixes, duplicate slashes, trailing slashes and inner .. are cleaned', () => {
  const cases: [string, string][] = [
    ['./etc/passwd', 'etc/passwd'],
    ['etc//x/', 'etc/x'],
    ['./', ''],
    ['.', ''],
    ['', ''],
    ['a/./b/../c', 'a/c'],
    ['a/..', ''],
    ['...', '...'],
    ['..foo/bar..', '..foo/bar..'],
  ];
  for (const [name, want] of cases) assert.equal(cleanEntryName(name), want, name);
});

test('cleanEntryName: absolute names, escaping .. and NUL bytes are WHARF_UNSAFE_LAYER naming the entry', () => {
  for (const name of ['/etc/passwd', '/', '..', '../x', 'a/../../x', './a/b/../../../x', 'a\0b']) {
    assert.throws(() => cleanEntryName(name), (err: Error & { code?: string; kind?: string }) => {
      assert.equal(err.code, 'WHARF_UNSAFE_LAYER');
      assert.equal(err.kind, 'InvalidArgument');
      assert.ok(err.message.includes(JSON.stringify(name)), err.message);
      return true;
    });
  }
});

test('parentOf', () => {
  assert.equal(parentOf('a/b/c'), 'a/b');
  assert.equal(parentOf('a'), '');
  assert.equal(parentOf(''), '');
});

test('roleOf: whiteouts, opaque markers, AUFS metadata and plain names', () => {
  assert.deepEqual(roleOf('etc/passwd', 'x'), { kind: 'plain' });
  assert.deepEqual(roleOf('etc/.wh.passwd', 'x'), { kind: 'whiteout', path: 'etc/passwd' });
  assert.deepEqual(roleOf('.wh.etc', 'x'), { kind: 'whiteout', path: 'etc' });
  assert.deepEqual(roleOf('.wh..hidden', 'x'), { kind: 'whiteout', path: '.hidden' });
  assert.deepEqual(roleOf('var/.wh..wh..opq', 'x'), { kind: 'opaque', dir: 'var' });
  assert.deepEqual(roleOf('.wh..wh..opq', 'x'), { kind: 'opaque', dir: '' });
  assert.deepEqual(roleOf('.wh..wh.plnk', 'x'), { kind: 'skip' });
  assert.deepEqual(roleOf('.wh..wh.plnk/123.4', 'x'), { kind: 'skip' });
  assert.deepEqual(roleOf('a/.wh..wh.aufs', 'x'), { kind: 'skip' });
  assert.deepEqual(roleOf('a/.wh.b/c', 'x'), { kind: 'plain' }, 'only the last component is a whiteout');
});

test('roleOf: whiteouts of nothing, . or .. are WHARF_UNSAFE_LAYER', () => {
  for (const rel of ['.wh.', 'a/.wh..', 'a/.wh...']) {
    assert.throws(() => roleOf(rel, `./${rel}`), { code: 'WHARF_UNSAFE_LAYER', message: new RegExp(`"\\./${rel.replace(/\./g, '\\.')}"`) });
  }
});
