import test from 'node:test';
import assert from 'node:assert/strict';
import { globMatch } from './glob.js';

test('globMatch follows Go path.Match', () => {
  const yes: [string, string][] = [
    ['busy*', 'busybox'],
    ['*/tools:1*', 'myorg/tools:1.0'],
    ['busybox:*', 'busybox:latest'],
    ['b?sybox', 'busybox'],
    ['[a-c]usybox', 'busybox'],
    ['[^x]usybox', 'busybox'],
    ['a\\*b', 'a*b'],
    ['*', ''],
    ['x.y', 'x.y'],
    ['[\\]]', ']'],
    ['[-x]'.replace('-', '\\-'), '-'],
  ];
  for (const [p, s] of yes) assert.equal(globMatch(p, s), true, `${p} ~ ${s}`);
  const no: [string, string][] = [
    ['busy*', 'myorg/busybox'],
    ['*', 'a/b'],
    ['b?sybox', 'b/sybox'],
    ['[^b]usybox', 'busybox'],
    ['x.y', 'xzy'],
    ['a\\*b', 'axxb'],
  ];
  for (const [p, s] of no) assert.equal(globMatch(p, s), false, `${p} !~ ${s}`);
});

test('globMatch rejects malformed patterns as InvalidArgument', () => {
  for (const p of ['[', '[]', '[a-', 'a\\', '[z-a]', '[-a]', 'ab[']) {
    assert.throws(() => globMatch(p, 'a'), /syntax error in pattern/, p);
  }
});
