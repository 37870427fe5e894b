import test from 'node:test';
import assert from 'node:assert/strict';
import { familiarName, familiarString, formatReference, parseReference, validateTag, withDefaultTag } from './reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('short names normalise to docker.io/library and :latest only when asked', () => {
  const ref = parseReference('busybox');
  assert.deepEqual(ref, { domain: 'docker.io', path: 'library/busybox' });
  assert.equal(formatReference(withDefaultTag(ref)), 'docker.io/library/busybox:latest');
  assert.equal(familiarString(withDefaultTag(ref)), 'busybox:latest');
});

test('user repositories, registries with ports, localhost and digests', () => {
  assert.equal(formatReference(parseReference('myorg/tools:1.0')), 'docker.io/myorg/tools:1.0');
  assert.equal(familiarName(parseReference('myorg/tools:1.0')), 'myorg/tools');
  const local = parseReference('localhost:5000/a/b:tag');
  assert.deepEqual(local, { domain: 'localhost:5000', path: 'a/b', tag: 'tag' });
  assert.equal(familiarString(local), 'localhost:5000/a/b:tag');
  assert.deepEqual(parseReference('localhost/x'), { domain: 'localhost', path: 'x' });
  assert.deepEqual(parseReference(`busybox@${DIGEST}`), { domain: 'docker.io', path: 'library/busybox', digest: DIGEST });
  assert.deepEqual(parseReference(`busybox:1@${DIGEST}`), { domain: 'docker.io', path: 'library/busybox', tag: '1', digest: DIGEST });
  assert.equal(formatReference(parseReference('index.docker.io/library/busybox:1')), 'docker.io/library/busybox:1');
  assert.equal(formatReference(parseReference('quay.io/org/app:v2')), 'quay.io/org/app:v2');
  assert.deepEqual(parseReference('[::1]:5000/app'), { domain: '[::1]:5000', path: 'app' });
});

test('invalid references are refused with Docker-like wording', () => {
  for (const bad of ['', 'UPPER', 'a b', 'busybox:', ':tag', 'busybox@sha256:../x', 'busybox@sha256:abc', '-lead',
    'a//b', 'trail-/x', `x:${'t'.repeat(129)}`, `${'a'.repeat(256)}`, '../etc', 'a/../b']) {
    assert.throws(() => parseReference(bad), (err: Error & { kind?: string }) =>
      err.kind === 'InvalidArgument' && /invalid reference format|repository name/.test(err.message), bad);
  }
  assert.throws(() => parseReference('a'.repeat(64)), /64-byte hexadecimal/);
  // compat: an upper-case first component is a registry host to Docker, so this is valid.
  assert.deepEqual(parseReference('Foo/bar'), { domain: 'Foo', path: 'bar' });
  assert.doesNotThrow(() => parseReference('Registry.Example.com/foo'));
});

test('validateTag follows the tag grammar', () => {
  assert.equal(validateTag('v1.0_rc-2'), 'v1.0_rc-2');
  assert.throws(() => validateTag('.bad'), /invalid tag format/);
  assert.throws(() => validateTag('a/b'), /invalid tag format/);
});
