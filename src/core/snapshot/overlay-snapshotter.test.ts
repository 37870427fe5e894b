import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Digest } from '../../common/digest.js';
import { recordingOps } from '../archive/testing/recording-ops.js';
import { streamOf, tarOf, type FixtureEntry } from '../archive/testing/tar-fixture.js';
import { DataRootLayout } from '../layout.js';
import { OverlaySnapshotter } from './overlay-snapshotter.js';

const sha = (b: Buffer | string): Digest => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function setup(t: { after(fn: () => void): void }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-snap-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const layout = new DataRootLayout(root);
  const ops = recordingOps();
  return { layout, ops, snapshots: await OverlaySnapshotter.open(layout, ops) };
}

async function layer(entries: readonly FixtureEntry[]): Promise<{ tar: Buffer; diffId: Digest }> {
  const tar = await tarOf(entries);
  return { tar, diffId: sha(tar) };
}

const tmpEntries = (layout: DataRootLayout): string[] => fs.readdirSync(layout.snapshotTmpDir);
const chain = (n: number): Digest => sha(`chain ${n}`);

test('apply commits a layer, then a child; stat, list and lowerDirs see them', async (t) => {
  const { layout, snapshots, ops } = await setup(t);
  const base = await layer([{ name: 'etc/os-release', data: 'wharf' }, { name: 'bin/sh', data: 'sh' }]);
  const top = await layer([{ name: 'etc/.wh.os-release', data: '' }, { name: 'app', data: 'app!' }]);
  const b = await snapshots.apply(chain(1), undefined, streamOf(base.tar), { diffId: base.diffId });
  assert.deepEqual(b, { chainId: chain(1), diffId: base.diffId, size: 7 });
  const c = await snapshots.apply(chain(2), chain(1), streamOf(top.tar), { diffId: top.diffId });
  assert.deepEqual(c, { chainId: chain(2), parent: chain(1), diffId: top.diffId, size: 4 });
  assert.deepEqual(await snapshots.stat(chain(2)), c);
  assert.equal(await snapshots.stat(chain(3)), undefined);
  const listed = await snapshots.list();
  assert.deepEqual(listed.sort((x, y) => x.size - y.size), [c, b]);
  const lowers = await snapshots.lowerDirs(chain(2));
  assert.deepEqual(lowers, [path.join(layout.snapshot(chain(2)), 'fs'), path.join(layout.snapshot(chain(1)), 'fs')]);
  assert.equal(fs.readFileSync(path.join(lowers[1] ?? '', 'bin/sh'), 'utf8'), 'sh');
  assert.equal(fs.readFileSync(path.join(lowers[0] ?? '', 'app'), 'utf8'), 'app!');
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(layout.snapshot(chain(2)), 'meta.json'), 'utf8')), c);
  assert.deepEqual(ops.calls.map((c) => c.op), ['mknod']);
  assert.deepEqual(tmpEntries(layout), []);
});

test('a diffId mismatch is WHARF_DIGEST_MISMATCH and commits nothing', async (t) => {
  const { layout, snapshots } = await setup(t);
  const l = await layer([{ name: 'f', data: 'x' }]);
  await assert.rejects(snapshots.apply(chain(1), undefined, streamOf(l.tar), { diffId: sha('other') }), {
    kind: 'InvalidArgument',
    code: 'WHARF_DIGEST_MISMATCH',
  });
  assert.equal(await snapshots.stat(chain(1)), undefined);
  assert.deepEqual(tmpEntries(layout), []);
});

test('a parent that is not committed is FailedPrecondition; unsafe layers and aborts leave nothing behind', async (t) => {
  const { layout, snapshots } = await setup(t);
  const l = await layer([{ name: 'f', data: 'x' }]);
  await assert.rejects(snapshots.apply(chain(2), chain(1), streamOf(l.tar), { diffId: l.diffId }), {
    kind: 'FailedPrecondition',
    code: 'WHARF_PARENT_SNAPSHOT_MISSING',
  });
  const evil = await layer([{ name: '../../escape', data: 'x' }]);
  await assert.rejects(snapshots.apply(chain(1), undefined, streamOf(evil.tar), { diffId: evil.diffId }), {
    code: 'WHARF_UNSAFE_LAYER',
  });
  await assert.rejects(
    snapshots.apply(chain(1), undefined, streamOf(l.tar), { diffId: l.diffId, signal: AbortSignal.abort() }),
    { name: 'AbortError' },
  );
  assert.deepEqual(tmpEntries(layout), []);
  assert.deepEqual(await snapshots.list(), []);
  assert.equal(fs.existsSync(path.join(layout.root, 'escape')), false);
});

test('applying an existing chain ID drains the stream and returns the committed snapshot', async (t) => {
  const { snapshots } = await setup(t);
  const l = await layer([{ name: 'f', data: 'x' }]);
  const first = await snapshots.apply(chain(1), undefined, streamOf(l.tar), { diffId: l.diffId });
  const again = streamOf(l.tar, 100);
  assert.deepEqual(await snapshots.apply(chain(1), undefined, again, { diffId: l.diffId }), first);
  assert.equal(again.readableEnded, true);
});

test('concurrent applies of one chain ID: one unpacks, the others drain and get the same snapshot', async (t) => {
  const { layout, snapshots } = await setup(t);
  const l = await layer(Array.from({ length: 50 }, (_, i) => ({ name: `d/f${i}`, data: 'x'.repeat(i) })));
  const streams = Array.from({ length: 4 }, () => streamOf(l.tar, 512));
  const results = await Promise.all(streams.map((s) => snapshots.apply(chain(1), undefined, s, { diffId: l.diffId })));
  for (const r of results) assert.deepEqual(r, results[0]);
  for (const s of streams) assert.equal(s.readableEnded, true);
  assert.deepEqual(tmpEntries(layout), []);
  assert.equal(fs.readdirSync(path.join(layout.snapshot(chain(1)), 'fs', 'd')).length, 50);
});

test('a failed apply does not stop a concurrent apply of the same chain from succeeding', async (t) => {
  const { snapshots } = await setup(t);
  const l = await layer([{ name: 'f', data: 'x' }]);
  const bad = snapshots.apply(chain(1), undefined, streamOf(l.tar), { diffId: sha('wrong') });
  const good = snapshots.apply(chain(1), undefined, streamOf(l.tar), { diffId: l.diffId });
  await assert.rejects(bad, { code: 'WHARF_DIGEST_MISMATCH' });
  assert.equal((await good).diffId, l.diffId);
});

test('remove deletes a snapshot, read-only directories included; removing an absent one is fine', async (t) => {
  const { layout, snapshots } = await setup(t);
  const l = await layer([
    { name: 'ro/', type: 'directory', mode: 0o555 },
    { name: 'ro/sub/', type: 'directory', mode: 0o500 },
    { name: 'ro/sub/f', data: 'x', mode: 0o400 },
  ]);
  await snapshots.apply(chain(1), undefined, streamOf(l.tar), { diffId: l.diffId });
  await snapshots.remove(chain(1));
  assert.equal(await snapshots.stat(chain(1)), undefined);
  assert.equal(fs.existsSync(layout.snapshot(chain(1))), false);
  assert.deepEqual(tmpEntries(layout), []);
  await snapshots.remove(chain(1));
});

test('open removes what a crash left in snapshots/tmp, read-only trees included', async (t) => {
  const { layout } = await setup(t);
  const leftover = path.join(layout.snapshotTmpDir, 'abc', 'fs', 'ro');
  fs.mkdirSync(leftover, { recursive: true });
  fs.writeFileSync(path.join(leftover, 'f'), 'x');
  fs.chmodSync(leftover, 0o500);
  await OverlaySnapshotter.open(layout, recordingOps());
  assert.deepEqual(tmpEntries(layout), []);
});

test('lowerDirs of an unknown chain is NotFound; a corrupt meta.json is reported, and skipped by list', async (t) => {
  const { layout, snapshots } = await setup(t);
  await assert.rejects(snapshots.lowerDirs(chain(9)), { kind: 'NotFound', code: 'WHARF_NO_SUCH_SNAPSHOT' });
  fs.mkdirSync(layout.snapshot(chain(5)));
  fs.writeFileSync(path.join(layout.snapshot(chain(5)), 'meta.json'), '{"chainId":"sha256:nope"}');
  await assert.rejects(snapshots.stat(chain(5)), { code: 'WHARF_SNAPSHOT_CORRUPT' });
  assert.deepEqual(await snapshots.list(), []);
});

test('malformed digests are refused with WHARF_INVALID_DIGEST', async (t) => {
  const { snapshots } = await setup(t);
  const l = await layer([{ name: 'f', data: 'x' }]);
  const bad = 'sha256:../../../etc' as Digest;
  await assert.rejects(snapshots.stat(bad), { code: 'WHARF_INVALID_DIGEST' });
  await assert.rejects(snapshots.remove(bad), { code: 'WHARF_INVALID_DIGEST' });
  await assert.rejects(snapshots.lowerDirs(bad), { code: 'WHARF_INVALID_DIGEST' });
  await assert.rejects(snapshots.apply(bad, undefined, Readable.from([l.tar]), { diffId: l.diffId }), { code: 'WHARF_INVALID_DIGEST' });
  await assert.rejects(snapshots.apply(chain(1), bad, Readable.from([l.tar]), { diffId: l.diffId }), { code: 'WHARF_INVALID_DIGEST' });
  await assert.rejects(snapshots.apply(chain(1), undefined, Readable.from([l.tar]), { diffId: bad }), { code: 'WHARF_INVALID_DIGEST' });
});
