import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseMountInfo, parseMountInfoLine, unescapeMountField } from './mountinfo.js';
import { MS, parseMountOptions } from './mount-options.js';
import { MOUNT_DATA_MAX, overlayDataWithFdPaths, splitOverlayPaths } from './overlay-data.js';
import { LinuxMounter } from './linux-mounter.js';
import type { MountSyscalls } from './linux-mounter.js';

const OVERLAY_LINE = '193 27 0:39 / /run/wharf/containers/c1/rootfs rw,relatime shared:5 master:2 - overlay overlay rw,lowerdir=/a:/b,upperdir=/u,workdir=/w';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-mount-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('parseMountInfoLine reads every field, with optional fields', () => {
  assert.deepEqual(parseMountInfoLine(OVERLAY_LINE), {
    id: 193, parent: 27, device: '0:39', root: '/', mountPoint: '/run/wharf/containers/c1/rootfs', options: 'rw,relatime',
    optional: ['shared:5', 'master:2'], fsType: 'overlay', source: 'overlay', superOptions: 'rw,lowerdir=/a:/b,upperdir=/u,workdir=/w',
  });
  const plain = parseMountInfoLine('25 1 8:1 / / rw - ext4 /dev/sda1 rw');
  assert.deepEqual(plain?.optional, []);
  assert.equal(plain?.mountPoint, '/');
});

test('mountinfo paths are unescaped', () => {
  assert.equal(unescapeMountField('/a\\040b\\011c\\012d\\134e'), '/a b\tc\nd\\e');
  assert.equal(parseMountInfoLine('30 25 0:5 / /mnt/with\\040space rw - tmpfs tmp\\040fs rw')?.mountPoint, '/mnt/with space');
});

test('parseMountInfo skips blank and malformed lines', () => {
  const text = `${OVERLAY_LINE}\n\nnot a line\n1 2 3 4 5 6 - x\nx 1 0:1 / /m rw - t s o\n25 1 8:1 / / rw - ext4 /dev/sda1 rw\n`;
  assert.deepEqual(parseMountInfo(text).map((m) => m.id), [193, 25]);
});

test('parseMountOptions turns words into flags, propagation and data; later words win', () => {
  assert.deepEqual(parseMountOptions(['ro', 'nosuid', 'nodev', 'lowerdir=/a', 'upperdir=/u']), {
    flags: MS.RDONLY | MS.NOSUID | MS.NODEV, propagation: 0, data: ['lowerdir=/a', 'upperdir=/u'],
  });
  assert.deepEqual(parseMountOptions(['rbind', 'rprivate']), { flags: MS.BIND | MS.REC, propagation: MS.PRIVATE | MS.REC, data: [] });
  assert.equal(parseMountOptions(['ro', 'rw']).flags, 0);
  assert.equal(parseMountOptions(['noexec', 'exec', 'defaults', '']).flags, 0);
  assert.deepEqual(parseMountOptions(['size=64m', 'mode=755']).data, ['size=64m', 'mode=755']);
});

test('splitOverlayPaths honours overlayfs escapes', () => {
  assert.deepEqual(splitOverlayPaths('/a:/b:/c'), ['/a', '/b', '/c']);
  assert.deepEqual(splitOverlayPaths('/a\\:b:/c\\\\d'), ['/a:b', '/c\\d']);
  assert.deepEqual(splitOverlayPaths('/only'), ['/only']);
});

test('overlayDataWithFdPaths rewrites lowerdir only, layer by layer', () => {
  const opened: string[] = [];
  const out = overlayDataWithFdPaths(['index=off', 'lowerdir=/l/a:/l/b', 'upperdir=/u', 'workdir=/w'], (d) => {
    opened.push(d);
    return 100 + opened.length;
  });
  assert.deepEqual(out, ['index=off', 'lowerdir=/proc/self/fd/101:/proc/self/fd/102', 'upperdir=/u', 'workdir=/w']);
  assert.deepEqual(opened, ['/l/a', '/l/b']);
  assert.deepEqual(overlayDataWithFdPaths(['size=1m'], () => assert.fail('no lowerdir')), ['size=1m']);
});

interface Call { fn: 'mount' | 'umount2'; args: unknown[] }

function fakeSyscalls(behaviour: { failMountAt?: number; umountErrors?: string[]; unmounted?: () => void } = {}): MountSyscalls & { calls: Call[] } {
  const calls: Call[] = [];
  let mounts = 0;
  const errs = [...(behaviour.umountErrors ?? [])];
  return {
    calls,
    mount: (...args) => {
      calls.push({ fn: 'mount', args });
      if (mounts++ === behaviour.failMountAt) throw Object.assign(new Error('EPERM: nope'), { code: 'EPERM' });
    },
    umount2: (...args) => {
      calls.push({ fn: 'umount2', args });
      const e = errs.shift();
      if (e !== undefined) throw Object.assign(new Error(e), { code: e });
      behaviour.unmounted?.();
    },
  };
}

test('LinuxMounter.mount: flags, data, read-only bind remount, propagation', async () => {
  const sys = fakeSyscalls();
  const m = new LinuxMounter({ syscalls: sys });
  await m.mount([
    { type: 'overlay', source: 'overlay', options: ['lowerdir=/a:/b', 'upperdir=/u', 'workdir=/w'] },
    { type: 'bind', source: '/src', target: 'etc/hosts', options: ['rbind', 'ro', 'rprivate'] },
  ], '/t');
  assert.deepEqual(sys.calls.map((c) => c.args), [
    ['overlay', '/t', 'overlay', 0, 'lowerdir=/a:/b,upperdir=/u,workdir=/w'],
    ['/src', '/t/etc/hosts', 'bind', MS.BIND | MS.REC | MS.RDONLY, null],
    [null, '/t/etc/hosts', null, MS.BIND | MS.REC | MS.RDONLY | MS.REMOUNT, null],
    [null, '/t/etc/hosts', null, MS.PRIVATE | MS.REC, null],
  ]);
});

test('LinuxMounter.mount undoes earlier mounts when a later one fails', async () => {
  const sys = fakeSyscalls({ failMountAt: 1 });
  const m = new LinuxMounter({ syscalls: sys });
  await assert.rejects(m.mount([
    { type: 'tmpfs', source: 'tmpfs', options: [] },
    { type: 'tmpfs', source: 'tmpfs', target: 'sub', options: [] },
  ], '/t'), { kind: 'Internal', code: 'WHARF_MOUNT_FAILED', message: /EPERM/ });
  assert.deepEqual(sys.calls.at(-1), { fn: 'umount2', args: ['/t', 2] });
});

test('LinuxMounter.mount refuses a sub-target that leaves the target', async () => {
  const m = new LinuxMounter({ syscalls: fakeSyscalls() });
  await assert.rejects(m.mount([{ type: 'bind', source: '/x', target: '../../etc', options: ['bind'] }], '/t'), { code: 'WHARF_INVALID_MOUNT' });
});

test('LinuxMounter.mount switches a long overlay lowerdir list to descriptor paths', async (t) => {
  const dir = tempDir(t);
  const lowers = Array.from({ length: 120 }, (_, i) => {
    const d = path.join(dir, `layer-with-a-long-directory-name-${i}`, 'fs');
    fs.mkdirSync(d, { recursive: true });
    return d;
  });
  const plain = `lowerdir=${lowers.join(':')},upperdir=/u,workdir=/w`;
  assert.ok(plain.length > MOUNT_DATA_MAX);
  const sys = fakeSyscalls();
  await new LinuxMounter({ syscalls: sys }).mount([{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lowers.join(':')}`, 'upperdir=/u', 'workdir=/w'] }], '/t');
  const data = String(sys.calls[0]?.args[4]);
  assert.ok(data.length <= MOUNT_DATA_MAX);
  assert.match(data, /^lowerdir=(\/proc\/self\/fd\/\d+:){119}\/proc\/self\/fd\/\d+,upperdir=\/u,workdir=\/w$/);
  const tooMany = Array.from({ length: 400 }, () => lowers[0]).join(':');
  await assert.rejects(new LinuxMounter({ syscalls: fakeSyscalls() }).mount([{ type: 'overlay', source: 'overlay', options: [`lowerdir=${tooMany}`] }], '/t'), { kind: 'InvalidArgument', code: 'WHARF_TOO_MANY_LAYERS' });
});

test('LinuxMounter.unmount and isMounted follow mountinfo; EBUSY retries then fails, or detaches when lazy', async (t) => {
  const dir = tempDir(t);
  const target = path.join(dir, 'rootfs');
  fs.mkdirSync(target);
  const info = path.join(dir, 'mountinfo');
  fs.writeFileSync(info, `25 1 8:1 / / rw - ext4 /dev/sda1 rw\n`);
  const idle = new LinuxMounter({ syscalls: fakeSyscalls(), mountInfoFile: info });
  assert.equal(await idle.isMounted(target), false);
  assert.equal(await idle.isMounted(path.join(dir, 'missing')), false);
  await idle.unmount(target); // nothing mounted: no call, no error

  const mounted = `25 1 8:1 / / rw - ext4 /dev/sda1 rw\n30 25 0:50 / ${target} rw - tmpfs tmpfs rw\n`;
  const unmounted = (): void => fs.writeFileSync(info, '25 1 8:1 / / rw - ext4 /dev/sda1 rw\n');
  fs.writeFileSync(info, mounted);
  const sys = fakeSyscalls({ umountErrors: ['EBUSY', 'EBUSY'], unmounted });
  const m = new LinuxMounter({ syscalls: sys, mountInfoFile: info });
  assert.equal(await m.isMounted(target), true);
  await m.unmount(target);
  assert.deepEqual(sys.calls.map((c) => c.args), [[target, 0], [target, 0], [target, 0]]);
  assert.equal(await m.isMounted(target), false);

  fs.writeFileSync(info, mounted);
  const busy = fakeSyscalls({ umountErrors: Array.from({ length: 11 }, () => 'EBUSY'), unmounted });
  await assert.rejects(new LinuxMounter({ syscalls: busy, mountInfoFile: info }).unmount(target), { code: 'WHARF_UNMOUNT_FAILED', message: /EBUSY/ });
  const lazy = fakeSyscalls({ umountErrors: Array.from({ length: 11 }, () => 'EBUSY'), unmounted });
  await new LinuxMounter({ syscalls: lazy, mountInfoFile: info }).unmount(target, { lazy: true });
  assert.deepEqual(lazy.calls.at(-1)?.args, [target, 2]);
  assert.equal(lazy.calls.length, 12);
});
