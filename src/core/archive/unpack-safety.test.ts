import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { unpackLayer } from './unpack.js';
import { recordingOps } from './testing/recording-ops.js';
import { streamOf, tarOf, type FixtureEntry } from './testing/tar-fixture.js';

interface Box {
  /** outside is a directory next to the target that no layer may touch. */
  readonly outside: string;
  readonly target: string;
}

function box(t: { after(fn: () => void): void }): Box {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-unpack-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const outside = path.join(dir, 'outside');
  const target = path.join(dir, 'layer', 'fs');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0\n');
  fs.mkdirSync(target, { recursive: true });
  return { outside, target };
}

async function unpack(b: Box, entries: readonly FixtureEntry[], ops = recordingOps()) {
  return unpackLayer(streamOf(await tarOf(entries)), b.target, { ops });
}

function assertOutsideUntouched(b: Box): void {
  assert.deepEqual(fs.readdirSync(b.outside), ['passwd']);
  assert.equal(fs.readFileSync(path.join(b.outside, 'passwd'), 'utf8'), 'root:x:0:0\n');
  assert.deepEqual(fs.readdirSync(path.dirname(b.target)), ['fs']);
}

test('an ordinary layer: files, dirs, ./ prefixes, absolute symlink targets, hard links; diffId is the tar sha256', async (t) => {
  const b = box(t);
  const tar = await tarOf([
    { name: './', type: 'directory', mode: 0o755 },
    { name: './bin/', type: 'directory', mode: 0o755 },
    { name: './bin/busybox', data: 'BUSYBOX', mode: 0o755 },
    { name: './bin/sh', type: 'symlink', linkname: '/bin/busybox' },
    { name: 'bin/ls', type: 'link', linkname: './bin/busybox' },
    { name: 'etc/x/../hostname', data: 'h\n' },
  ]);
  const result = await unpackLayer(streamOf(tar, 100), b.target, { ops: recordingOps() });
  assert.equal(result.diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
  assert.equal(result.size, 'BUSYBOX'.length + 2);
  assert.equal(result.entries, 6);
  assert.equal(fs.readFileSync(path.join(b.target, 'bin/busybox'), 'utf8'), 'BUSYBOX');
  assert.equal(fs.readlinkSync(path.join(b.target, 'bin/sh')), '/bin/busybox');
  assert.equal(fs.statSync(path.join(b.target, 'bin/ls')).ino, fs.statSync(path.join(b.target, 'bin/busybox')).ino);
  assert.equal(fs.readFileSync(path.join(b.target, 'etc/hostname'), 'utf8'), 'h\n');
  assert.equal(fs.existsSync(path.join(b.target, 'etc/x')), false, 'names are cleaned lexically, like Go path.Clean');
  assert.equal(fs.statSync(path.join(b.target, 'etc')).mode & 0o777, 0o755, 'implicit parents are made 0755');
});

for (const name of ['/etc/passwd', '../outside/passwd', 'a/../../outside/passwd', './a/b/../../../x', '..']) {
  test(`entry name ${JSON.stringify(name)} escapes: WHARF_UNSAFE_LAYER naming the entry, nothing written outside`, async (t) => {
    const b = box(t);
    await assert.rejects(unpack(b, [{ name: 'ok', data: 'x' }, { name, data: 'pwned' }]), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'WHARF_UNSAFE_LAYER');
      assert.ok(err.message.includes(JSON.stringify(name)), err.message);
      return true;
    });
    assertOutsideUntouched(b);
  });
}

test('a file written through a symlinked directory is refused (absolute and relative link targets)', async (t) => {
  for (const linkname of ['../../outside', path.join(os.tmpdir(), 'nope'), '.']) {
    const b = box(t);
    await assert.rejects(
      unpack(b, [
        { name: 'evil', type: 'symlink', linkname: linkname === '.' ? b.outside : linkname },
        { name: 'evil/passwd', data: 'pwned' },
      ]),
      { code: 'WHARF_UNSAFE_LAYER', message: /"evil\/passwd".*symlink/ },
    );
    assertOutsideUntouched(b);
  }
});

test('directories, symlinks and hard links are refused through a symlinked parent too', async (t) => {
  const cases: FixtureEntry[] = [
    { name: 'l/sub', type: 'directory' },
    { name: 'l/sym', type: 'symlink', linkname: 'x' },
    { name: 'l/.wh.passwd', data: '' },
    { name: 'l/.wh..wh..opq', data: '' },
  ];
  for (const entry of cases) {
    const b = box(t);
    const ops = recordingOps();
    await assert.rejects(unpack(b, [{ name: 'l', type: 'symlink', linkname: b.outside }, entry], ops), {
      code: 'WHARF_UNSAFE_LAYER',
    });
    assert.deepEqual(ops.calls, [], `no special-file call for ${entry.name}`);
    assertOutsideUntouched(b);
  }
});

test('a symlink replaced by a directory entry becomes a real directory', async (t) => {
  const b = box(t);
  await unpack(b, [
    { name: 'd', type: 'symlink', linkname: b.outside },
    { name: 'd', type: 'directory' },
    { name: 'd/passwd', data: 'inside' },
  ]);
  assert.ok(fs.lstatSync(path.join(b.target, 'd')).isDirectory());
  assert.equal(fs.readFileSync(path.join(b.target, 'd/passwd'), 'utf8'), 'inside');
  assertOutsideUntouched(b);
});

test('hard links must point at a file extracted earlier in this layer, not through a symlink', async (t) => {
  const bad: [string, FixtureEntry[]][] = [
    ['absolute target', [{ name: 'x', type: 'link', linkname: '/etc/passwd' }]],
    ['escaping target', [{ name: 'x', type: 'link', linkname: '../outside/passwd' }]],
    ['target not in the layer', [{ name: 'x', type: 'link', linkname: 'later' }, { name: 'later', data: '' }]],
    ['target through a symlink', [{ name: 'l', type: 'symlink', linkname: '/etc' }, { name: 'x', type: 'link', linkname: 'l/passwd' }]],
    ['target is a directory', [{ name: 'd', type: 'directory' }, { name: 'x', type: 'link', linkname: 'd' }]],
    ['target is a whiteout', [{ name: '.wh.w', data: '' }, { name: 'x', type: 'link', linkname: 'w' }]],
    ['target is itself', [{ name: 'x', data: 'a' }, { name: 'x', type: 'link', linkname: 'x' }]],
  ];
  for (const [why, entries] of bad) {
    const b = box(t);
    await assert.rejects(unpack(b, entries), { code: 'WHARF_UNSAFE_LAYER', message: /"x"/ }, why);
    assertOutsideUntouched(b);
  }
});

test('a hard link to a symlink links the symlink itself', async (t) => {
  const b = box(t);
  await unpack(b, [
    { name: 's', type: 'symlink', linkname: '/etc/passwd' },
    { name: 'h', type: 'link', linkname: 's' },
  ]);
  assert.equal(fs.readlinkSync(path.join(b.target, 'h')), '/etc/passwd');
  assert.equal(fs.lstatSync(path.join(b.target, 'h')).nlink, 2);
});

test('whiteouts become 0:0 character devices; opaque markers set trusted.overlay.opaque on the parent', async (t) => {
  const b = box(t);
  const ops = recordingOps();
  await unpack(
    b,
    [
      { name: 'etc/.wh.motd', data: '' },
      { name: 'var/cache/', type: 'directory' },
      { name: 'var/cache/.wh..wh..opq', data: '' },
      { name: '.wh..wh..opq', data: '' },
      { name: '.wh.top', data: '' },
      { name: '.wh..wh.plnk/12.34', data: 'aufs hard link store' },
      { name: 'usr/.wh..wh.aufs', data: '' },
    ],
    ops,
  );
  assert.deepEqual(ops.calls, [
    { op: 'mknod', path: path.join(b.target, 'etc/motd'), mode: 0o020000, major: 0, minor: 0 },
    { op: 'lsetxattr', path: path.join(b.target, 'var/cache'), name: 'trusted.overlay.opaque', value: '79' },
    { op: 'lsetxattr', path: b.target, name: 'trusted.overlay.opaque', value: '79' },
    { op: 'mknod', path: path.join(b.target, 'top'), mode: 0o020000, major: 0, minor: 0 },
  ]);
  assert.equal(fs.existsSync(path.join(b.target, '.wh..wh.plnk')), false, 'AUFS metadata is skipped');
  assert.equal(fs.existsSync(path.join(b.target, 'usr')), false);
  assert.deepEqual(fs.readdirSync(path.join(b.target, 'etc')), ['motd']);
});

test('whiteouts that escape or name no file are WHARF_UNSAFE_LAYER', async (t) => {
  for (const name of ['../.wh.passwd', '.wh..', 'a/.wh...', '.wh.', '/etc/.wh.passwd']) {
    const b = box(t);
    const ops = recordingOps();
    await assert.rejects(unpack(b, [{ name, data: '' }], ops), { code: 'WHARF_UNSAFE_LAYER' }, name);
    assert.deepEqual(ops.calls, []);
    assertOutsideUntouched(b);
  }
});

test('later entries replace earlier ones: file over file, dir over file, file over a whole directory', async (t) => {
  const b = box(t);
  await unpack(b, [
    { name: 'f', data: 'one' },
    { name: 'f', data: 'two' },
    { name: 'g', data: 'file' },
    { name: 'g', type: 'directory' },
    { name: 'g/inner', data: 'i' },
    { name: 'd/sub/deep', data: 'x' },
    { name: 'd', data: 'now a file' },
    { name: 'd2/a', data: 'a' },
    { name: 'd2', type: 'directory', mode: 0o700 },
    { name: 'd2/b', data: 'b' },
    { name: 'w', data: 'data' },
    { name: '.wh.w', data: '' },
  ]);
  assert.equal(fs.readFileSync(path.join(b.target, 'f'), 'utf8'), 'two');
  assert.equal(fs.readFileSync(path.join(b.target, 'g/inner'), 'utf8'), 'i');
  assert.equal(fs.readFileSync(path.join(b.target, 'd'), 'utf8'), 'now a file');
  assert.deepEqual(fs.readdirSync(path.join(b.target, 'd2')).sort(), ['a', 'b'], 'dir over dir keeps the contents');
  assert.equal(fs.statSync(path.join(b.target, 'd2')).mode & 0o777, 0o700, 'and takes the later metadata');
  assert.equal(fs.statSync(path.join(b.target, 'w')).size, 0, 'the whiteout replaced the file');
});

test('an entry below a regular file is an invalid layer; the root cannot be replaced by a file', async (t) => {
  await assert.rejects(unpack(box(t), [{ name: 'a', data: 'x' }, { name: 'a/b', data: 'y' }]), {
    code: 'WHARF_INVALID_LAYER',
    message: /"a\/b".*not a directory/,
  });
  await assert.rejects(unpack(box(t), [{ name: './', data: 'x', type: 'file' }]), { code: 'WHARF_UNSAFE_LAYER' });
});

test('the target must be empty', async (t) => {
  const b = box(t);
  fs.writeFileSync(path.join(b.target, 'leftover'), '');
  await assert.rejects(unpack(b, [{ name: 'a', data: 'x' }]), {
    kind: 'FailedPrecondition',
    code: 'WHARF_UNPACK_TARGET_NOT_EMPTY',
  });
});
