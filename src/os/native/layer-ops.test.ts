// The layer unpacker and overlay snapshotter with the real addon (root only): real whiteout devices, the opaque
// xattr, file capabilities, and an actual overlay mount proving the kernel reads them as intended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Digest } from '../../common/digest.js';
import { unpackLayer } from '../../core/archive/unpack.js';
import { padded, paxRecord, rawHeader, streamOf, tarOf } from '../../core/archive/testing/tar-fixture.js';
import { DataRootLayout } from '../../core/layout.js';
import { overlayMount } from '../../core/snapshot/overlay-mount.js';
import { OverlaySnapshotter } from '../../core/snapshot/overlay-snapshotter.js';
import { MOUNT_FLAGS, lgetxattr, mount, specialFileOps, umount2 } from './native.js';

const isRoot = process.getuid?.() === 0;
const sha = (b: Buffer | string): Digest => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-layer-ops-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('worker unpack with the addon: whiteout devices, opaque xattr, capabilities, devices (root)', async (t) => {
  if (!isRoot) return t.skip('needs root');
  const dir = path.join(tempDir(t), 'fs');
  fs.mkdirSync(dir);
  const cap = Buffer.from('0100000200200000000000000000000000000000', 'hex'); // cap_net_raw+ep, v2
  const pax = paxRecord('SCHILY.xattr.security.capability', cap);
  const capEntry = Buffer.concat([rawHeader('PaxHeaders/ping', 'x', pax.length), padded(pax), rawHeader('ping', '0', 0, 0o755)]);
  const rest = await tarOf([
    { name: 'etc/.wh.passwd', data: '' },
    { name: 'var/', type: 'directory' },
    { name: 'var/.wh..wh..opq', data: '' },
    { name: 'dev/null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
    { name: 'dev/fifo', type: 'fifo', mode: 0o600 },
    { name: 'suid', data: 'x', uid: 1000, gid: 1000, mode: 0o4755 },
  ]);
  const tar = Buffer.concat([capEntry, rest]);
  const result = await unpackLayer(streamOf(tar, 1000), dir, { ops: specialFileOps, sync: true });
  assert.equal(result.diffId, sha(tar));
  const wh = fs.lstatSync(path.join(dir, 'etc/passwd'));
  assert.ok(wh.isCharacterDevice());
  assert.equal(wh.rdev, 0);
  assert.deepEqual(lgetxattr(path.join(dir, 'var'), 'trusted.overlay.opaque'), Buffer.from('y'));
  assert.deepEqual(lgetxattr(path.join(dir, 'ping'), 'security.capability'), cap);
  assert.equal(fs.lstatSync(path.join(dir, 'dev/null')).rdev, (1 << 8) | 3);
  assert.ok(fs.lstatSync(path.join(dir, 'dev/fifo')).isFIFO());
  assert.equal(fs.lstatSync(path.join(dir, 'suid')).mode & 0o7777, 0o4755);
  return undefined;
});

test('overlay mount of two snapshots: whiteouts hide, opaque dirs mask the layer below (root)', async (t) => {
  if (!isRoot) return t.skip('needs root');
  const root = tempDir(t);
  const layout = new DataRootLayout(path.join(root, 'data'));
  const snapshots = await OverlaySnapshotter.open(layout, specialFileOps);
  const base = await tarOf([
    { name: 'etc/keep', data: 'keep' },
    { name: 'etc/gone', data: 'gone' },
    { name: 'var/old', data: 'old' },
  ]);
  const top = await tarOf([
    { name: 'etc/.wh.gone', data: '' },
    { name: 'var/', type: 'directory' },
    { name: 'var/.wh..wh..opq', data: '' },
    { name: 'var/new', data: 'new' },
  ]);
  await snapshots.apply(sha('c1'), undefined, streamOf(base), { diffId: sha(base) });
  await snapshots.apply(sha('c2'), sha('c1'), streamOf(top), { diffId: sha(top) });
  const upper = path.join(root, 'upper');
  const work = path.join(root, 'work');
  const merged = path.join(root, 'merged');
  for (const d of [upper, work, merged]) fs.mkdirSync(d);
  const m = overlayMount({ lowerDirs: await snapshots.lowerDirs(sha('c2')), upperDir: upper, workDir: work });
  mount(m.source, merged, m.type, 0, m.options.join(','));
  try {
    assert.deepEqual(fs.readdirSync(path.join(merged, 'etc')).sort(), ['keep']);
    assert.deepEqual(fs.readdirSync(path.join(merged, 'var')).sort(), ['new']);
    fs.writeFileSync(path.join(merged, 'etc/written'), 'w');
  } finally {
    umount2(merged, MOUNT_FLAGS.MNT_DETACH);
  }
  assert.equal(fs.readFileSync(path.join(upper, 'etc/written'), 'utf8'), 'w', 'writes land in the upper dir');
  await snapshots.remove(sha('c2'));
  await snapshots.remove(sha('c1'));
  assert.deepEqual(await snapshots.list(), []);
  return undefined;
});
