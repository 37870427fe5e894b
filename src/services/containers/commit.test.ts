import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { extract } from 'tar-stream';
import type { Digest } from '../../common/digest.js';
import { readImageConfig } from '../../core/image/resolve.js';
import { containerFileService, type ContainerFileService } from './archive-service.js';
import { EMPTY_LAYER_DIFF_ID } from './commit.js';
import { commitConfigFrom, mergeCommitConfig } from './commit-config.js';
import { settle, testEngine, type TestEngine } from './testing/test-engine.js';

const API = '1.50';
const NO_SPECIAL = { mknod: (): void => undefined, lsetxattr: (): void => undefined, syncfs: (): void => undefined };

async function setup(t: TestContext, body: Record<string, unknown> = {}): Promise<{ e: TestEngine; files: ContainerFileService; upper: string }> {
  const e = await testEngine(t, { WorkingDir: '/srv', Labels: { from: 'image' } });
  await e.engine.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo hi > /hi'], Env: ['MINE=1'], ...body }, { name: 'web', apiVersion: API });
  const upper = e.store.get('web').paths.upper;
  fs.mkdirSync(upper, { recursive: true });
  const xattrs = new Map<string, Record<string, Buffer>>();
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const files = containerFileService(e.engine.context, {
    special: NO_SPECIAL,
    xattrs: { llistxattr: (p) => Object.keys(xattrs.get(real(p)) ?? {}), lgetxattr: (p, n) => xattrs.get(real(p))?.[n] },
  });
  fs.mkdirSync(path.join(upper, 'opaque'));
  xattrs.set(real(path.join(upper, 'opaque')), { 'trusted.overlay.opaque': Buffer.from('y') });
  return { e, files, upper };
}

async function layerNames(e: TestEngine, blob: Digest): Promise<string[]> {
  const out: string[] = [];
  const ex = extract();
  const done = (async () => {
    for await (const entry of ex) {
      out.push(entry.header.name);
      entry.resume();
    }
  })();
  e.stores.content.readStream(blob).pipe(ex);
  await done;
  return out;
}

test('commit: the container layer on the image, whiteouts in OCI form, mount points left out, config and history', async (t) => {
  const { e, files, upper } = await setup(t);
  fs.writeFileSync(path.join(upper, 'hi'), 'hi\n');
  fs.mkdirSync(path.join(upper, 'etc'));
  fs.writeFileSync(path.join(upper, 'etc/hosts'), '');
  fs.mkdirSync(path.join(upper, 'proc'));
  if (process.getuid?.() === 0) execFileSync('mknod', [path.join(upper, 'gone'), 'c', '0', '0']);
  const { id } = await files.commit('web', {
    repo: 'me/app', tag: 'v1', comment: 'first', author: 'Me <me@example.com>', pause: true, changes: ['ENV ADDED=yes', 'EXPOSE 8080'],
  });
  const image = await e.stores.images.get(id);
  assert.ok(image !== undefined);
  assert.equal(image.parent, e.image.id);
  assert.equal(image.layers.length, e.image.layers.length + 1);
  const top = image.layers.at(-1);
  assert.ok(top !== undefined);
  const names = await layerNames(e, top.blob);
  // In walk order (by the names in the upper directory), as moby writes layers.
  // etc/ held only the runtime's mount point, so it is left out.
  assert.deepEqual(names, [...(process.getuid?.() === 0 ? ['.wh.gone'] : []), 'hi', 'opaque/', 'opaque/.wh..wh..opq']);
  const config = await readImageConfig(e.stores.content, image);
  assert.equal(config.history?.at(-1)?.created_by, 'sh -c echo hi > /hi');
  assert.equal(config.history?.at(-1)?.comment, 'first');
  assert.equal(config.author, 'Me <me@example.com>');
  assert.equal(config.rootfs.diff_ids.at(-1), top.diffId);
  assert.deepEqual(config.config?.Env, ['MINE=1', 'PATH=/bin', 'ADDED=yes']);
  assert.deepEqual(config.config?.Cmd, ['sh', '-c', 'echo hi > /hi']);
  assert.equal(config.config?.WorkingDir, '/srv');
  assert.deepEqual(config.config?.Labels, { from: 'image' });
  assert.deepEqual(config.config?.ExposedPorts, { '8080/tcp': {} });
  assert.equal(await e.stores.images.resolveReference({ domain: 'docker.io', path: 'me/app', tag: 'v1' }), id);
  const commit = e.stores.events.events.find((ev) => ev.action === 'commit');
  assert.deepEqual([commit?.actor.attributes['imageID'], commit?.actor.attributes['imageRef'], commit?.actor.attributes['comment']], [id, 'me/app:v1', 'first']);
});

test('commit: an unchanged container adds an empty history entry, no layer; a running one is paused meanwhile', async (t) => {
  const { e, files, upper } = await setup(t);
  fs.rmdirSync(path.join(upper, 'opaque'));
  await e.engine.start('web');
  const { id } = await files.commit('web', { pause: true, changes: [] });
  const image = await e.stores.images.get(id);
  assert.deepEqual(image?.layers, e.image.layers);
  const config = image === undefined ? undefined : await readImageConfig(e.stores.content, image);
  assert.equal(config?.history?.at(-1)?.empty_layer, true);
  assert.ok(!config?.rootfs.diff_ids.includes(EMPTY_LAYER_DIFF_ID));
  const actions = e.stores.events.events.map((ev) => ev.action);
  assert.deepEqual(actions.filter((a) => ['pause', 'unpause', 'commit'].includes(a)), ['pause', 'unpause', 'commit']);
  assert.equal(e.store.get('web').state.status, 'running');
  await files.commit('web', { pause: false, changes: [] });
  assert.equal(e.stores.events.events.filter((ev) => ev.action === 'pause').length, 1, 'pause=false does not pause');
  await settle();
});

test('commit: a request config replaces the container config and is completed from it; bad input is refused', async (t) => {
  const { e, files } = await setup(t);
  const { id } = await files.commit('web', { pause: false, changes: [], config: { Cmd: ['true'], Env: ['MINE=2'], Hostname: 'ignored' } });
  const image = await e.stores.images.get(id);
  const config = image === undefined ? undefined : await readImageConfig(e.stores.content, image);
  assert.deepEqual(config?.config?.Cmd, ['true']);
  assert.deepEqual(config?.config?.Env, ['MINE=2', 'PATH=/bin']);
  await assert.rejects(files.commit('web', { pause: false, changes: [], config: { Cmd: 5 } }), { code: 'WHARF_INVALID_COMMIT_CONFIG' });
  await assert.rejects(files.commit('web', { pause: false, changes: [], config: [] }), { code: 'WHARF_INVALID_COMMIT_CONFIG' });
  await assert.rejects(files.commit('web', { pause: false, changes: ['FROM x'] }), { kind: 'InvalidArgument' });
  await assert.rejects(files.commit('web', { repo: 'Bad Name', pause: false, changes: [] }), { kind: 'InvalidArgument' });
  await assert.rejects(files.commit('nosuch', { pause: false, changes: [] }), { message: 'No such container: nosuch' });
  const rec = e.store.get('web');
  await e.store.update(rec.id, (c) => ({ ...c, state: { ...c.state, status: 'dead' } }));
  await assert.rejects(files.commit('web', { pause: false, changes: [] }), { kind: 'Conflict', message: `You cannot commit container ${rec.id} which is Dead` });
});

test('commitConfigFrom and mergeCommitConfig: Docker StrSlice, nulls, merge rules', () => {
  assert.equal(commitConfigFrom(undefined), undefined);
  assert.equal(commitConfigFrom(null), undefined);
  assert.deepEqual(commitConfigFrom({ Cmd: 'true', Entrypoint: null, Labels: { a: 'b' } }), { Cmd: ['true'], Labels: { a: 'b' } });
  assert.throws(() => commitConfigFrom({ Labels: { a: 1 } }), { code: 'WHARF_INVALID_COMMIT_CONFIG' });
  assert.throws(() => commitConfigFrom({ Healthcheck: { Interval: -1 } }), { code: 'WHARF_INVALID_COMMIT_CONFIG' });
  const merged = mergeCommitConfig(
    { Env: ['A=1'], Labels: { x: 'mine' }, Healthcheck: { Interval: 5 } },
    { User: 'app', Env: ['A=0', 'B=2'], Cmd: ['sh'], Entrypoint: ['/init'], Labels: { x: 'base', y: 'base' }, WorkingDir: '/w', Healthcheck: { Test: ['CMD', 'true'], Interval: 1 } },
  );
  assert.deepEqual(merged, {
    Env: ['A=1', 'B=2'], Labels: { x: 'mine', y: 'base' }, Healthcheck: { Test: ['CMD', 'true'], Interval: 5 }, User: 'app', Cmd: ['sh'],
    Entrypoint: ['/init'], WorkingDir: '/w',
  });
  assert.deepEqual(mergeCommitConfig({ Entrypoint: ['/x'] }, { Cmd: ['sh'], Entrypoint: ['/init'] }).Cmd, undefined, 'an entrypoint of its own keeps no Cmd');
});
