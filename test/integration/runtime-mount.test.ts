import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requiresRoot } from './harness.js';
import { LinuxMounter } from '../../src/os/mount/linux-mounter.js';
import { readMountInfo } from '../../src/os/mount/mountinfo.js';
import { MOUNT_DATA_MAX } from '../../src/os/mount/overlay-data.js';

function tempDir(t: { after(fn: () => void | Promise<void>): void }, mounter: LinuxMounter, targets: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-rt-mount-'));
  t.after(async () => {
    for (const target of targets) await mounter.unmount(target, { lazy: true }).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

test('an overlay of 150 layers (options past one page) mounts with every layer visible and unmounts', async (t) => {
  if (!requiresRoot(t)) return;
  const mounter = new LinuxMounter();
  const targets: string[] = [];
  const dir = tempDir(t, mounter, targets);
  const lowers = Array.from({ length: 150 }, (_, i) => {
    const d = path.join(dir, 'snapshots', `${String(i).padStart(3, '0')}-a-layer-directory-with-a-long-name`, 'fs');
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, `file-${i}`), String(i));
    fs.writeFileSync(path.join(d, 'shadowed'), String(i));
    return d;
  });
  for (const d of ['upper', 'work', 'merged']) fs.mkdirSync(path.join(dir, d));
  const target = path.join(dir, 'merged');
  targets.push(target);
  const options = [`lowerdir=${lowers.join(':')}`, `upperdir=${path.join(dir, 'upper')}`, `workdir=${path.join(dir, 'work')}`];
  assert.ok(options.join(',').length > MOUNT_DATA_MAX, 'the plain option string would not fit a page');
  await mounter.mount([{ type: 'overlay', source: 'overlay', options }], target);
  assert.equal(await mounter.isMounted(target), true);
  const info = (await readMountInfo()).find((m) => m.mountPoint === target);
  assert.equal(info?.fsType, 'overlay');
  assert.equal(fs.readdirSync(target).length, 151);
  assert.equal(fs.readFileSync(path.join(target, 'shadowed'), 'utf8'), '0', 'the first lowerdir is the top layer');
  fs.writeFileSync(path.join(target, 'new'), 'upper');
  assert.equal(fs.readFileSync(path.join(dir, 'upper', 'new'), 'utf8'), 'upper');
  await mounter.unmount(target);
  assert.equal(await mounter.isMounted(target), false);
  assert.deepEqual(fs.readdirSync(target), []);
  await mounter.unmount(target); // idempotent
});

test('tmpfs with data options, a read-only bind on top, stacked and all unmounted', async (t) => {
  if (!requiresRoot(t)) return;
  const mounter = new LinuxMounter();
  const targets: string[] = [];
  const dir = tempDir(t, mounter, targets);
  const target = path.join(dir, 'mnt');
  const src = path.join(dir, 'src');
  fs.mkdirSync(target);
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'hello'), 'hi');
  targets.push(target);
  await mounter.mount([
    { type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=1m', 'mode=711'] },
    { type: 'bind', source: src, options: ['rbind', 'ro'] },
  ], target);
  const mine = (await readMountInfo()).filter((m) => m.mountPoint === target);
  assert.equal(mine.length, 2);
  assert.equal(fs.readFileSync(path.join(target, 'hello'), 'utf8'), 'hi');
  assert.throws(() => fs.writeFileSync(path.join(target, 'x'), 'x'), { code: 'EROFS' });
  await mounter.unmount(target);
  assert.equal(await mounter.isMounted(target), false);
  await assert.rejects(mounter.mount([{ type: 'nosuchfs', source: 'x', options: [] }], target), { code: 'WHARF_MOUNT_FAILED', message: /ENODEV/ });
});
