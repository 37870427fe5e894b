import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unpackLayer } from './unpack.js';
import { recordingOps } from './testing/recording-ops.js';
import { END_OF_ARCHIVE, padded, paxRecord, rawHeader, streamOf, tarOf, type FixtureEntry } from './testing/tar-fixture.js';

const isRoot = process.getuid?.() === 0;

function target(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-unpack-meta-'));
  t.after(() => {
    writableDirs(dir); // without root, read-only directories of a layer would keep their entries
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function writableDirs(dir: string): void {
  fs.chmodSync(dir, 0o700);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) writableDirs(path.join(dir, e.name));
}

async function unpack(dir: string, entries: readonly FixtureEntry[], ops = recordingOps()) {
  return unpackLayer(streamOf(await tarOf(entries)), dir, { ops });
}

const mode = (file: string): number => fs.lstatSync(file).mode & 0o7777;

test('modes are preserved exactly, including setuid, setgid, sticky and modes the umask would strip', async (t) => {
  const dir = target(t);
  const tar = await tarOf([
    { name: 'suid', data: '#!', mode: 0o4755 },
    { name: 'sgid', data: '#!', mode: 0o2711 },
    { name: 'world', data: 'w', mode: 0o666 },
    { name: 'tmp/', type: 'directory', mode: 0o1777 },
    { name: 'ro/', type: 'directory', mode: 0o555 },
    { name: 'ro/inside', data: 'x', mode: 0o644 },
    { name: 'ro/sub/', type: 'directory', mode: 0o500 },
    { name: 'ro/sub/deeper', data: 'y', mode: 0o400 },
  ]);
  // tar-stream's pack turns mode 0 into 0644, so the mode-0 file is a raw header (prepended).
  const none = Buffer.concat([rawHeader('none', '0', 6, 0), padded(Buffer.from('secret'))]);
  await unpackLayer(streamOf(Buffer.concat([none, tar])), dir, { ops: recordingOps() });
  assert.equal(fs.statSync(path.join(dir, 'none')).size, 6);
  assert.equal(mode(path.join(dir, 'suid')), 0o4755);
  assert.equal(mode(path.join(dir, 'sgid')), 0o2711);
  assert.equal(mode(path.join(dir, 'none')), 0o000);
  assert.equal(mode(path.join(dir, 'world')), 0o666);
  assert.equal(mode(path.join(dir, 'tmp')), 0o1777);
  assert.equal(mode(path.join(dir, 'ro')), 0o555, 'a read-only directory still received its contents');
  assert.equal(mode(path.join(dir, 'ro/sub')), 0o500);
  assert.equal(mode(path.join(dir, 'ro/sub/deeper')), 0o400);
});

test('mtimes are preserved on files, symlinks and directories (set after their contents), PAX times to the µs', async (t) => {
  const dir = target(t);
  const old = new Date('2001-02-03T04:05:06Z');
  await unpack(dir, [
    { name: 'd/', type: 'directory', mtime: old },
    { name: 'd/f', data: 'x', mtime: old },
    { name: 'd/l', type: 'symlink', linkname: '/nowhere', mtime: old },
    { name: 'd/sub/later', data: 'created after d, which must not bump its mtime' },
  ]);
  for (const rel of ['d', 'd/f', 'd/l']) {
    assert.equal(fs.lstatSync(path.join(dir, rel)).mtimeMs, old.getTime(), rel);
  }
  assert.equal(fs.lstatSync(path.join(dir, 'd/f')).atimeMs, old.getTime(), 'atime is the later of atime and mtime');

  const dir2 = target(t);
  const pax = paxRecord('mtime', Buffer.from('1234567890.123456')); // PAX times carry fractions
  const tar = Buffer.concat([
    rawHeader('PaxHeaders/f', 'x', pax.length),
    padded(pax),
    rawHeader('f', '0', 0),
    END_OF_ARCHIVE,
  ]);
  await unpackLayer(streamOf(tar), dir2, { ops: recordingOps() });
  const ns = fs.statSync(path.join(dir2, 'f'), { bigint: true }).mtimeNs;
  // utimes takes seconds as a double: sub-microsecond rounding is expected, the fraction must survive.
  assert.ok(Math.abs(Number(ns / 1000n) - 1234567890123456) <= 1, String(ns));
});

test('xattrs: binary PAX values reach lsetxattr byte-exact; trusted.* and security.* other than caps are skipped', async (t) => {
  const dir = target(t);
  const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x80, 0x20, 0x00, 0x00, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const pax = Buffer.concat([
    paxRecord('SCHILY.xattr.security.capability', cap),
    paxRecord('SCHILY.xattr.user.comment', Buffer.from('héllo')),
    paxRecord('SCHILY.xattr.trusted.overlay.opaque', Buffer.from('y')),
    paxRecord('SCHILY.xattr.security.selinux', Buffer.from('system_u:object_r:bin_t:s0')),
    paxRecord('SCHILY.xattr.system.posix_acl_access', Buffer.from([2, 0, 0, 0])),
  ]);
  const tar = Buffer.concat([rawHeader('PaxHeaders/ping', 'x', pax.length), padded(pax), rawHeader('ping', '0', 0), END_OF_ARCHIVE]);
  const ops = recordingOps();
  await unpackLayer(streamOf(tar, 7), dir, { ops });
  const file = path.join(dir, 'ping');
  assert.deepEqual(ops.calls, [
    { op: 'lsetxattr', path: file, name: 'security.capability', value: cap.toString('hex') },
    { op: 'lsetxattr', path: file, name: 'user.comment', value: Buffer.from('héllo').toString('hex') },
    { op: 'lsetxattr', path: file, name: 'system.posix_acl_access', value: '02000000' },
  ]);
});

test('xattrs: EPERM from lsetxattr is tolerated (compat: moby), other errors fail the unpack', async (t) => {
  const pax = paxRecord('SCHILY.xattr.user.x', Buffer.from('v'));
  const tar = Buffer.concat([rawHeader('PaxHeaders/f', 'x', pax.length), padded(pax), rawHeader('f', '0', 0), END_OF_ARCHIVE]);
  await unpackLayer(streamOf(tar), target(t), { ops: recordingOps({ failXattr: 'EPERM' }) });
  await assert.rejects(unpackLayer(streamOf(tar), target(t), { ops: recordingOps({ failXattr: 'EIO' }) }), {
    kind: 'Internal',
    code: 'WHARF_UNPACK_FAILED',
    message: /"f"/,
  });
});

test('devices and FIFOs go through mknod with their type bits, permissions and numbers', async (t) => {
  const dir = target(t);
  const ops = recordingOps();
  await unpack(
    dir,
    [
      { name: 'dev/null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
      { name: 'dev/loop0', type: 'block-device', mode: 0o660, devmajor: 7, devminor: 0 },
      { name: 'run/fifo', type: 'fifo', mode: 0o600 },
    ],
    ops,
  );
  assert.deepEqual(ops.calls, [
    { op: 'mknod', path: path.join(dir, 'dev/null'), mode: 0o020666, major: 1, minor: 3 },
    { op: 'mknod', path: path.join(dir, 'dev/loop0'), mode: 0o060660, major: 7, minor: 0 },
    { op: 'mknod', path: path.join(dir, 'run/fifo'), mode: 0o010600, major: 0, minor: 0 },
  ]);
});

test('ownership is preserved, and setuid survives the chown (root)', async (t) => {
  if (!isRoot) return t.skip('needs root');
  const dir = target(t);
  await unpack(dir, [
    { name: 'd/', type: 'directory', uid: 1234, gid: 5678, mode: 0o2750 },
    { name: 'd/suid', data: 'x', uid: 1000, gid: 1000, mode: 0o4755 },
    { name: 'd/link', type: 'symlink', linkname: 'suid', uid: 42, gid: 43 },
    { name: '.wh.gone', data: '', uid: 7, gid: 8 },
  ]);
  const d = fs.lstatSync(path.join(dir, 'd'));
  assert.deepEqual([d.uid, d.gid, d.mode & 0o7777], [1234, 5678, 0o2750]);
  const f = fs.lstatSync(path.join(dir, 'd/suid'));
  assert.deepEqual([f.uid, f.gid, f.mode & 0o7777], [1000, 1000, 0o4755]);
  const l = fs.lstatSync(path.join(dir, 'd/link'));
  assert.deepEqual([l.uid, l.gid], [42, 43], 'lchown: the symlink itself, not its target');
  const w = fs.lstatSync(path.join(dir, 'gone'));
  assert.deepEqual([w.uid, w.gid], [7, 8]);
  return undefined;
});

test('PAX uid/gid override the ustar fields (large ids), and out-of-range ids are invalid (root)', async (t) => {
  if (!isRoot) return t.skip('needs root');
  const dir = target(t);
  const pax = Buffer.concat([paxRecord('uid', Buffer.from('3000000')), paxRecord('gid', Buffer.from('3000001'))]);
  const tar = Buffer.concat([rawHeader('PaxHeaders/f', 'x', pax.length), padded(pax), rawHeader('f', '0', 0), END_OF_ARCHIVE]);
  await unpackLayer(streamOf(tar), dir, { ops: recordingOps() });
  const st = fs.statSync(path.join(dir, 'f'));
  assert.deepEqual([st.uid, st.gid], [3000000, 3000001]);
  const bad = paxRecord('uid', Buffer.from('4294967296'));
  const badTar = Buffer.concat([rawHeader('PaxHeaders/f', 'x', bad.length), padded(bad), rawHeader('f', '0', 0), END_OF_ARCHIVE]);
  await assert.rejects(unpackLayer(streamOf(badTar), target(t), { ops: recordingOps() }), { code: 'WHARF_INVALID_LAYER' });
  return undefined;
});

test('non-root: an entry owned by someone else fails with WHARF_UNPACK_FAILED (EPERM), naming the entry', async (t) => {
  if (isRoot) return t.skip('runs as non-root only');
  await assert.rejects(unpack(target(t), [{ name: 'f', data: 'x', uid: 0, gid: 0 }]), {
    code: 'WHARF_UNPACK_FAILED',
    message: /"f".*EPERM/,
  });
  return undefined;
});
