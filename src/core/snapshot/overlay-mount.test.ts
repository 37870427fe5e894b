import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overlayMount } from './overlay-mount.js';

test('overlayMount: a container root over layers is an overlay with lowerdir top-most first', () => {
  assert.deepEqual(overlayMount({ lowerDirs: ['/s/b/fs', '/s/a/fs'], upperDir: '/c/1/upper', workDir: '/c/1/work' }), {
    type: 'overlay',
    source: 'overlay',
    options: ['lowerdir=/s/b/fs:/s/a/fs', 'upperdir=/c/1/upper', 'workdir=/c/1/work'],
  });
});

test('overlayMount: no layers with an upper is a writable bind of the upper', () => {
  assert.deepEqual(overlayMount({ lowerDirs: [], upperDir: '/c/1/upper', workDir: '/c/1/work' }), {
    type: 'bind',
    source: '/c/1/upper',
    options: ['rbind', 'rw'],
  });
});

test('overlayMount: read-only views: one layer is a read-only bind, several an overlay without upper', () => {
  assert.deepEqual(overlayMount({ lowerDirs: ['/s/a/fs'] }), { type: 'bind', source: '/s/a/fs', options: ['rbind', 'ro'] });
  assert.deepEqual(overlayMount({ lowerDirs: ['/s/b/fs', '/s/a/fs'] }), {
    type: 'overlay',
    source: 'overlay',
    options: ['lowerdir=/s/b/fs:/s/a/fs'],
  });
});

test('overlayMount: relative paths, separators in paths, a missing work dir or no layers at all are refused', () => {
  const bad = [
    { lowerDirs: ['s/a/fs'] },
    { lowerDirs: ['/s/a:b/fs'] },
    { lowerDirs: ['/s/a,upperdir=/etc'] },
    { lowerDirs: ['/s/a/fs'], upperDir: '/c/upper' },
    { lowerDirs: ['/s/a/fs'], upperDir: '/c/up,per', workDir: '/c/work' },
    { lowerDirs: [] },
  ];
  for (const spec of bad) assert.throws(() => overlayMount(spec), { kind: 'InvalidArgument', code: 'WHARF_OVERLAY_PATH' }, JSON.stringify(spec));
});
