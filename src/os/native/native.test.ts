import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  MOUNT_FLAGS,
  flock,
  lgetxattr,
  llistxattr,
  lsetxattr,
  mknod,
  mount,
  specialFileOps,
  syncfs,
  umount2,
} from './native.js';

const isRoot = process.getuid?.() === 0;

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-native-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('flock: an exclusive non-blocking lock excludes a second open file description until closed', (t) => {
  const file = path.join(tempDir(t), 'lock');
  const a = fs.openSync(file, 'a');
  const b = fs.openSync(file, 'a');
  try {
    assert.equal(flock(a, true, true), true);
    assert.equal(flock(b, true, true), false);
    assert.equal(flock(b, false, true), false, 'a shared lock is refused while an exclusive one is held');
    fs.closeSync(a);
    assert.equal(flock(b, true, true), true);
  } finally {
    fs.closeSync(b);
  }
});

test('flock: shared locks coexist, and a bad descriptor throws EBADF', (t) => {
  const file = path.join(tempDir(t), 'lock');
  const a = fs.openSync(file, 'a');
  const b = fs.openSync(file, 'a');
  t.after(() => {
    fs.closeSync(a);
    fs.closeSync(b);
  });
  assert.equal(flock(a, false, true), true);
  assert.equal(flock(b, false, false), true);
  assert.throws(() => flock(987654, true, true), { code: 'EBADF', syscall: 'flock', errno: -9 });
});

test('xattrs: binary values round-trip; absent names read as undefined; names are listed', (t) => {
  const file = path.join(tempDir(t), 'f');
  fs.writeFileSync(file, 'x');
  const value = Buffer.from([0, 1, 0x7f, 0x80, 0xff, 0]);
  lsetxattr(file, 'user.wharf.test', value);
  lsetxattr(file, 'user.wharf.empty', Buffer.alloc(0));
  assert.deepEqual(lgetxattr(file, 'user.wharf.test'), value);
  assert.deepEqual(lgetxattr(file, 'user.wharf.empty'), Buffer.alloc(0));
  assert.equal(lgetxattr(file, 'user.wharf.absent'), undefined);
  const names = llistxattr(file);
  assert.ok(names.includes('user.wharf.test') && names.includes('user.wharf.empty'), names.join(','));
});

test('xattrs: the l* calls act on a symlink itself, never on its target', (t) => {
  const dir = tempDir(t);
  const target = path.join(dir, 'target');
  const link = path.join(dir, 'link');
  fs.writeFileSync(target, 'x');
  fs.symlinkSync(target, link);
  lsetxattr(target, 'user.wharf.t', Buffer.from('v'));
  assert.equal(lgetxattr(link, 'user.wharf.t'), undefined);
  assert.ok(!llistxattr(link).includes('user.wharf.t'));
  // user.* attributes are not allowed on symlinks: proof that the call did not follow the link.
  assert.throws(() => lsetxattr(link, 'user.wharf.t', Buffer.from('v')), { code: 'EPERM', syscall: 'lsetxattr' });
});

test('errors carry code, negative errno, syscall and path like Node fs errors', (t) => {
  const missing = path.join(tempDir(t), 'missing');
  assert.throws(() => lgetxattr(missing, 'user.x'), (err: NodeJS.ErrnoException) => {
    assert.equal(err.code, 'ENOENT');
    assert.equal(err.errno, -2);
    assert.equal(err.syscall, 'lgetxattr');
    assert.equal(err.path, missing);
    assert.match(err.message, /^ENOENT: .*, lgetxattr '/);
    return true;
  });
  assert.throws(() => llistxattr(missing), { code: 'ENOENT', syscall: 'llistxattr' });
});

test('bad arguments throw TypeErrors: NUL bytes in paths, non-Buffer values, missing arguments', (t) => {
  const file = path.join(tempDir(t), 'f');
  fs.writeFileSync(file, 'x');
  assert.throws(() => lgetxattr(`${file}\0/etc/passwd`, 'user.x'), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => lsetxattr(file, 'user.x', 'v' as unknown as Buffer), { name: 'TypeError' });
  assert.throws(() => lsetxattr(file, 'user.x'.repeat(100), Buffer.from('v')), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => flock('3' as unknown as number, true, true), { name: 'TypeError' });
  assert.throws(() => mount(null, file, null, -1, null), { name: 'TypeError' });
});

test('mknod makes FIFOs without privileges', (t) => {
  const fifo = path.join(tempDir(t), 'fifo');
  mknod(fifo, 0o010644, 0, 0);
  const st = fs.lstatSync(fifo);
  assert.ok(st.isFIFO());
  assert.throws(() => mknod(fifo, 0o010644, 0, 0), { code: 'EEXIST', syscall: 'mknod', path: fifo });
});

test('mknod makes character and block devices (root)', (t) => {
  if (!isRoot) return t.skip('needs root');
  const dir = tempDir(t);
  mknod(path.join(dir, 'null'), 0o020666, 1, 3);
  mknod(path.join(dir, 'blk'), 0o060600, 7, 300);
  const chr = fs.lstatSync(path.join(dir, 'null'));
  assert.ok(chr.isCharacterDevice());
  assert.equal(chr.rdev, (1 << 8) | 3);
  const blk = fs.lstatSync(path.join(dir, 'blk'));
  assert.ok(blk.isBlockDevice());
  // glibc makedev: minor's low byte, then 12 bits of major, then the minor's upper bits.
  assert.equal(blk.rdev, (300 & 0xff) | (7 << 8) | ((300 & ~0xff) << 12));
  return undefined;
});

test('mount and umount2 a tmpfs (root); umount2 of a non-mount point fails with EINVAL', (t) => {
  if (!isRoot) return t.skip('needs root');
  const dir = tempDir(t);
  mount('tmpfs', dir, 'tmpfs', MOUNT_FLAGS.MS_NOSUID | MOUNT_FLAGS.MS_NODEV, 'size=1m,mode=0700');
  try {
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    fs.writeFileSync(path.join(dir, 'inside'), 'x');
  } finally {
    umount2(dir, MOUNT_FLAGS.MNT_DETACH);
  }
  assert.equal(fs.existsSync(path.join(dir, 'inside')), false);
  assert.throws(() => umount2(dir, 0), { code: 'EINVAL', syscall: 'umount2', path: dir });
  assert.throws(() => mount(null, path.join(dir, 'nope'), null, MOUNT_FLAGS.MS_BIND, null), { code: 'ENOENT' });
  return undefined;
});

test('mount as a non-root user is refused with EPERM', (t) => {
  if (isRoot) return t.skip('runs as non-root only');
  assert.throws(() => mount('tmpfs', tempDir(t), 'tmpfs', 0, null), { code: 'EPERM', syscall: 'mount' });
  return undefined;
});

test('syncfs flushes the filesystem of a directory and reports a missing path', (t) => {
  const dir = tempDir(t);
  syncfs(dir);
  assert.throws(() => syncfs(path.join(dir, 'missing')), { code: 'ENOENT' });
});

test('specialFileOps names a module that worker threads can load (the addon is context-aware)', async (t) => {
  const file = path.join(tempDir(t), 'f');
  fs.writeFileSync(file, 'x');
  assert.equal(specialFileOps.moduleUrl, new URL('./native.js', import.meta.url).href);
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.url).then((m) => {
      m.specialFileOps.lsetxattr(workerData.file, 'user.wharf.worker', Buffer.from('ok'));
      parentPort.postMessage(m.lgetxattr(workerData.file, 'user.wharf.worker').toString());
    });`;
  const worker = new Worker(code, { eval: true, workerData: { url: specialFileOps.moduleUrl, file } });
  const reply = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(reply, 'ok');
  assert.deepEqual(lgetxattr(file, 'user.wharf.worker'), Buffer.from('ok'));
});
