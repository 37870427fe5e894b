import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import zlib from 'node:zlib';
import { extract } from 'tar-stream';
import { GO_MODE } from '../../core/archive/container-path-stat.js';
import { tarOf } from '../../core/archive/testing/tar-fixture.js';
import { containerFileService, type ContainerFileService } from './archive-service.js';
import { containerBinds } from './archive-view.js';
import { settle, testEngine, type TestEngine } from './testing/test-engine.js';

const API = '1.50';
const NO_XATTRS = { llistxattr: (): string[] => [], lgetxattr: (): Buffer | undefined => undefined };
const NO_SPECIAL = {
  mknod: (): void => {
    throw new Error('mknod is not expected here');
  },
  lsetxattr: (): void => undefined,
  syncfs: (): void => undefined,
};

interface Setup {
  readonly e: TestEngine;
  readonly files: ContainerFileService;
  readonly rootfs: string;
  readonly upper: string;
}

async function setup(t: TestContext, body: Record<string, unknown> = {}): Promise<Setup> {
  const e = await testEngine(t);
  await e.engine.create({ Image: 'busybox', Cmd: ['sh'], ...body }, { name: 'web', apiVersion: API });
  const record = e.store.get('web');
  // The fake mounter mounts nothing: the root filesystem is whatever the test puts at the mount point.
  const rootfs = record.paths.rootfs;
  fs.mkdirSync(path.join(rootfs, 'www'), { recursive: true });
  fs.mkdirSync(path.join(rootfs, 'etc'));
  fs.writeFileSync(path.join(rootfs, 'www/index.html'), 'hello');
  fs.writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
  fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\napp:x:1000:\n');
  fs.symlinkSync('/etc', path.join(rootfs, 'cfg'));
  fs.symlinkSync('/nowhere/x', path.join(rootfs, 'dangling'));
  fs.symlinkSync('../../../../../../..', path.join(rootfs, 'www/up'));
  fs.mkdirSync(record.paths.upper, { recursive: true });
  const files = containerFileService(e.engine.context, { special: NO_SPECIAL, xattrs: NO_XATTRS });
  return { e, files, rootfs, upper: record.paths.upper };
}

async function names(stream: Readable): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  const ex = extract();
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      out.push([entry.header.name, Buffer.concat(chunks).toString()]);
    }
  })();
  stream.pipe(ex);
  await done;
  return out;
}

test('statPath: Docker stat of files, directories and links; Docker wording for what is missing', async (t) => {
  const { files } = await setup(t);
  const file = await files.statPath('web', '/www/index.html');
  assert.deepEqual([file.name, file.size, file.mode & 0o777, file.linkTarget], ['index.html', 5, 0o644 & ~process.umask(), '']);
  const dir = await files.statPath('web', '/www/');
  assert.equal(dir.name, 'www');
  assert.ok(dir.mode >= GO_MODE.dir);
  const link = await files.statPath('web', '/cfg');
  assert.equal(link.mode & GO_MODE.symlink, GO_MODE.symlink);
  assert.equal(link.linkTarget, '/etc');
  assert.equal((await files.statPath('web', '/dangling')).linkTarget, '/nowhere/x');
  assert.equal((await files.statPath('web', '/www/up')).linkTarget, '/');
  assert.equal((await files.statPath('web', '/cfg/passwd')).name, 'passwd');
  await assert.rejects(files.statPath('web', '/nope'), { kind: 'NotFound', message: 'Could not find the file /nope in container web' });
  await assert.rejects(files.statPath('web', '/www/up/../../etc/shadow'), { message: 'Could not find the file /www/up/../../etc/shadow in container web' });
  await assert.rejects(files.statPath('nosuch', '/'), { kind: 'NotFound', message: 'No such container: nosuch' });
});

test('archive: Docker rebase names, the stat first, the view released when the stream ends, archive-path event', async (t) => {
  const { e, files } = await setup(t);
  const dir = await files.archive('web', '/www');
  assert.equal(dir.stat.name, 'www');
  assert.deepEqual(await names(dir.archive), [['www/', ''], ['www/index.html', 'hello'], ['www/up', '']]);
  const dot = await files.archive('web', '/www/.');
  assert.deepEqual((await names(dot.archive)).map(([n]) => n), ['./', './index.html', './up']);
  const through = await files.archive('web', '/cfg/passwd');
  assert.deepEqual((await names(through.archive)).map(([n]) => n), ['passwd']);
  const link = await files.archive('web', '/cfg');
  assert.deepEqual((await names(link.archive)).map(([n]) => n), ['cfg'], 'a link is archived as itself (the CLI follows it with -L)');
  await assert.rejects(files.archive('web', '/missing'), { message: 'Could not find the file /missing in container web' });
  await settle();
  assert.equal(e.mounter.mounted.size, 0, 'every view was released');
  assert.ok(e.stores.events.events.some((ev) => ev.action === 'archive-path' && ev.actor.attributes['name'] === 'web'));
});

test('extract: into directories and through links, inside the container only; Docker errors', async (t) => {
  const { e, files, rootfs } = await setup(t);
  const tar = await tarOf([{ name: 'site/', type: 'directory' }, { name: 'site/a.txt', data: 'A' }, { name: 'escape/x', data: 'X' }]);
  await files.extract('web', '/www', Readable.from([tar]), { noOverwriteDirNonDir: true, copyUIDGID: false });
  assert.equal(fs.readFileSync(path.join(rootfs, 'www/site/a.txt'), 'utf8'), 'A');
  // /www/up climbs "above" the root: it means /, the container's.
  await assert.rejects(files.extract('web', '/www/up/srv', Readable.from([tar]), { noOverwriteDirNonDir: true, copyUIDGID: false }), {
    message: 'Could not find the file /www/up/srv in container web',
  });
  fs.mkdirSync(path.join(rootfs, 'srv'));
  await files.extract('web', '/www/up/srv', Readable.from([zlib.gzipSync(tar)]), { noOverwriteDirNonDir: true, copyUIDGID: false });
  assert.equal(fs.readFileSync(path.join(rootfs, 'srv/site/a.txt'), 'utf8'), 'A');
  await files.extract('web', '/cfg', Readable.from([await tarOf([{ name: 'motd', data: 'M' }])]), { noOverwriteDirNonDir: true, copyUIDGID: false });
  assert.equal(fs.readFileSync(path.join(rootfs, 'etc/motd'), 'utf8'), 'M');
  await assert.rejects(files.extract('web', '/www/index.html', Readable.from([tar]), { noOverwriteDirNonDir: true, copyUIDGID: false }), {
    kind: 'InvalidArgument',
    message: 'extraction point is not a directory',
  });
  await assert.rejects(files.extract('web', '/no/dir', Readable.from([tar]), { noOverwriteDirNonDir: true, copyUIDGID: false }), { kind: 'NotFound' });
  await assert.rejects(files.extract('web', '/www', Readable.from([await tarOf([{ name: '../../x', data: 'x' }])]), { noOverwriteDirNonDir: true, copyUIDGID: false }), {
    code: 'WHARF_ARCHIVE_BREAKOUT',
  });
  assert.ok(e.stores.events.events.some((ev) => ev.action === 'extract-to-dir'));
  assert.equal(e.mounter.mounted.size, 0);
});

test('extract: copyUIDGID gives the container user ownership (root only); a read-only rootfs is 403', async (t) => {
  const ro = await setup(t, { HostConfig: { ReadonlyRootfs: true } });
  await assert.rejects(ro.files.extract('web', '/www', Readable.from([await tarOf([{ name: 'a', data: 'a' }])]), { noOverwriteDirNonDir: true, copyUIDGID: false }), {
    kind: 'PermissionDenied',
    message: 'container rootfs is marked read-only',
  });
  if (process.getuid?.() !== 0) return t.skip('chown needs root');
  const { e, files, rootfs } = await setup(t, { User: 'app' });
  assert.equal(e.store.get('web').config.user, 'app');
  await files.extract('web', '/www', Readable.from([await tarOf([{ name: 'owned', data: 'o', uid: 4242, gid: 4242 }])]), { noOverwriteDirNonDir: true, copyUIDGID: true });
  const st = fs.statSync(path.join(rootfs, 'www/owned'));
  assert.deepEqual([st.uid, st.gid], [1000, 1000]);
  await files.extract('web', '/www', Readable.from([await tarOf([{ name: 'kept', data: 'k', uid: 4242, gid: 4343 }])]), { noOverwriteDirNonDir: true, copyUIDGID: false });
  const kept = fs.statSync(path.join(rootfs, 'www/kept'));
  assert.deepEqual([kept.uid, kept.gid], [4242, 4343]);
});

test('export: the whole root filesystem, names relative to it, export event; changes of the container layer', async (t) => {
  const { e, files, upper } = await setup(t);
  const listed = (await names(await files.export('web'))).map(([n]) => n);
  assert.deepEqual(listed, ['cfg', 'dangling', 'etc/', 'etc/group', 'etc/passwd', 'www/', 'www/index.html', 'www/up']);
  assert.ok(e.stores.events.events.some((ev) => ev.action === 'export'));
  await settle();
  assert.equal(e.mounter.mounted.size, 0);
  fs.mkdirSync(path.join(upper, 'etc'));
  fs.writeFileSync(path.join(upper, 'etc/hosts'), '');
  fs.mkdirSync(path.join(upper, 'proc'));
  fs.writeFileSync(path.join(upper, 'added'), 'x');
  // /etc holds only a mount point the runtime made: neither it nor its directory is the container's change.
  assert.deepEqual(await files.changes('web'), [{ path: '/added', kind: 1 }]);
  fs.writeFileSync(path.join(upper, 'etc/motd'), 'm');
  assert.deepEqual(await files.changes('web'), [{ path: '/added', kind: 1 }, { path: '/etc', kind: 1 }, { path: '/etc/motd', kind: 1 }]);
  await assert.rejects(files.changes('nosuch'), { message: 'No such container: nosuch' });
});

test('containerBinds: user binds and the network files, parents first, the user winning at /etc/hosts', async (t) => {
  const e = await testEngine(t);
  await e.engine.create({ Image: 'busybox', HostConfig: { Binds: ['/srv/data:/data/sub:ro', '/srv/top:/data', '/srv/h:/etc/hosts'] } }, { name: 'bnd', apiVersion: API });
  const binds = containerBinds(e.store.get('bnd'));
  assert.deepEqual(binds.map((b) => [b.destination, b.readOnly]), [
    ['/data', false],
    ['/data/sub', true],
    ['/etc/hosts', false],
    ['/etc/resolv.conf', false],
    ['/etc/hostname', false],
  ]);
  assert.equal(binds.find((b) => b.destination === '/etc/hosts')?.source, '/srv/h');
});
