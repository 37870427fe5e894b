import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { ContainerFs, MAX_LINKS, type ResolveOptions, type RootBind } from './container-path.js';

/**
 * makeTree builds a fake container root and a "host" beside it:
 *   root/etc/passwd, root/etc/hosts (file), root/var/www/index.html, root/tmp/
 *   root/abs -> /etc            root/rel -> ../../../etc      root/up -> ../../..
 *   root/escape -> /../../host  root/dangling -> /nowhere/file root/loop1 -> loop2, loop2 -> loop1
 *   root/self -> .              root/dirlink -> var/www       root/chain -> abs/passwd
 *   root/filelink -> etc/passwd root/hostabs -> <host>/secret (an absolute host path: must stay in the root)
 *   host/secret, host/data/inbind.txt, host/data/out -> /etc (inside the bind: back to the container root)
 */
function makeTree(t: TestContext): { root: string; host: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-cpath-'));
  t.after(() => fs.rmSync(base, { recursive: true, force: true }));
  const root = path.join(base, 'root');
  const host = path.join(base, 'host');
  for (const d of ['etc', 'var/www', 'tmp', 'mnt/data']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'container passwd\n');
  fs.writeFileSync(path.join(root, 'var/www/index.html'), 'hello\n');
  fs.mkdirSync(path.join(host, 'data'), { recursive: true });
  fs.writeFileSync(path.join(host, 'secret'), 'host secret\n');
  fs.writeFileSync(path.join(host, 'data/inbind.txt'), 'in bind\n');
  fs.writeFileSync(path.join(host, 'hosts'), 'host file bind\n');
  fs.writeFileSync(path.join(root, 'etc/hosts'), '');
  const links: Record<string, string> = {
    abs: '/etc',
    rel: '../../../etc',
    up: '../../..',
    escape: '/../../host',
    dangling: '/nowhere/file',
    loop1: 'loop2',
    loop2: 'loop1',
    self: '.',
    dirlink: 'var/www',
    chain: 'abs/passwd',
    filelink: 'etc/passwd',
    hostabs: path.join(host, 'secret'),
  };
  for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(root, name));
  fs.symlinkSync('/etc', path.join(host, 'data/out'));
  return { root, host };
}

async function resolveTo(cfs: ContainerFs, p: string, opts: ResolveOptions): Promise<{ containerPath: string; exists: boolean; content?: string }> {
  const r = await cfs.resolve(p, opts);
  try {
    const st = r.exists ? fs.lstatSync(r.dir.path(r.name)) : undefined;
    const content = st?.isFile() ? fs.readFileSync(r.dir.path(r.name), 'utf8') : undefined;
    return { containerPath: r.containerPath, exists: r.exists, ...(content === undefined ? {} : { content }) };
  } finally {
    await r.close();
  }
}

test('resolve: a table of paths stays inside the root', async (t) => {
  const { root } = makeTree(t);
  const cfs = await ContainerFs.open({ rootfs: root, binds: [] });
  t.after(() => cfs.close());
  const follow = { followFinal: true };
  const cases: Array<[string, ResolveOptions, string, string | undefined]> = [
    ['/etc/passwd', follow, '/etc/passwd', 'container passwd\n'],
    ['etc/passwd', follow, '/etc/passwd', 'container passwd\n'],
    ['/../../etc/passwd', follow, '/etc/passwd', 'container passwd\n'],
    ['/abs/passwd', follow, '/etc/passwd', 'container passwd\n'],
    ['/rel/passwd', follow, '/etc/passwd', 'container passwd\n'],
    ['/up/etc/passwd', follow, '/etc/passwd', 'container passwd\n'],
    ['/tmp/../../../../etc/passwd', follow, '/etc/passwd', 'container passwd\n'],
    ['/chain', follow, '/etc/passwd', 'container passwd\n'],
    ['/self/self/etc/passwd', follow, '/etc/passwd', 'container passwd\n'],
    ['/dirlink/index.html', follow, '/var/www/index.html', 'hello\n'],
    ['/dirlink/../../etc/passwd', follow, '/etc/passwd', 'container passwd\n'],
    ['/', follow, '/', undefined],
    ['/var/www/', { followFinal: false }, '/var/www', undefined],
    ['/filelink', { followFinal: false }, '/filelink', undefined],
    ['/filelink', follow, '/etc/passwd', 'container passwd\n'],
  ];
  for (const [p, opts, want, content] of cases) {
    const got = await resolveTo(cfs, p, opts);
    assert.equal(got.containerPath, want, p);
    assert.equal(got.content, content, p);
  }
});

test('resolve: links that point out of the root resolve inside it', async (t) => {
  const { root } = makeTree(t);
  const cfs = await ContainerFs.open({ rootfs: root, binds: [] });
  t.after(() => cfs.close());
  // /escape -> /../../host: ".." stops at the root, so it means /host, which the container does not have.
  await assert.rejects(cfs.resolve('/escape/secret', { followFinal: true }), { code: 'WHARF_NO_SUCH_PATH' });
  // An absolute host path as a target is a container path.
  await assert.rejects(cfs.resolve('/hostabs', { followFinal: true }), { code: 'WHARF_NO_SUCH_PATH' });
  const lexical = await resolveTo(cfs, '/hostabs', { followFinal: true, allowMissing: true });
  assert.equal(lexical.exists, false);
  assert.ok(lexical.containerPath.endsWith('/host/secret'));
  assert.equal(lexical.content, undefined);
});

test('resolve: dangling links, loops, missing paths and files used as directories', async (t) => {
  const { root } = makeTree(t);
  const cfs = await ContainerFs.open({ rootfs: root, binds: [] });
  t.after(() => cfs.close());
  const dangling = await resolveTo(cfs, '/dangling', { followFinal: true, allowMissing: true });
  assert.deepEqual(dangling, { containerPath: '/nowhere/file', exists: false });
  const unfollowed = await resolveTo(cfs, '/dangling', { followFinal: false });
  assert.deepEqual(unfollowed, { containerPath: '/dangling', exists: true });
  await assert.rejects(cfs.resolve('/dangling', { followFinal: true }), { code: 'WHARF_NO_SUCH_PATH' });
  await assert.rejects(cfs.resolve('/loop1', { followFinal: true }), { code: 'WHARF_SYMLINK_LOOP' });
  await assert.rejects(cfs.resolve('/loop1/x', { followFinal: false }), { code: 'WHARF_SYMLINK_LOOP' });
  await assert.rejects(cfs.resolve('/nope/x', { followFinal: false }), { code: 'WHARF_NO_SUCH_PATH' });
  await assert.rejects(cfs.resolve('/etc/passwd/x', { followFinal: false }), { code: 'WHARF_NOT_A_DIRECTORY' });
  await assert.rejects(cfs.resolve('/etc/passwd/', { followFinal: false }), { code: 'WHARF_NOT_A_DIRECTORY' });
  await assert.rejects(cfs.resolve('/filelink/.', { followFinal: false }), { code: 'WHARF_NOT_A_DIRECTORY' });
  const missingFinal = await resolveTo(cfs, '/tmp/new', { followFinal: false, allowMissingFinal: true });
  assert.deepEqual(missingFinal, { containerPath: '/tmp/new', exists: false });
  assert.ok(MAX_LINKS >= 40);
});

test('resolve: a chain of MAX_LINKS links is followed, one more is a loop', async (t) => {
  const { root } = makeTree(t);
  for (let i = 0; i <= MAX_LINKS; i++) fs.symlinkSync(i === MAX_LINKS ? 'etc' : `l${i + 1}`, path.join(root, `l${i}`));
  const cfs = await ContainerFs.open({ rootfs: root, binds: [] });
  t.after(() => cfs.close());
  assert.equal((await resolveTo(cfs, '/l1/passwd', { followFinal: true })).content, 'container passwd\n');
  await assert.rejects(cfs.resolve('/l0/passwd', { followFinal: true }), { code: 'WHARF_SYMLINK_LOOP' });
});

test('resolve: create makes missing directories inside the root, through links', async (t) => {
  const { root } = makeTree(t);
  const cfs = await ContainerFs.open({ rootfs: root, binds: [] });
  t.after(() => cfs.close());
  const r = await resolveTo(cfs, '/abs/new/deeper', { followFinal: true, create: true });
  assert.equal(r.containerPath, '/etc/new/deeper');
  assert.ok(fs.statSync(path.join(root, 'etc/new/deeper')).isDirectory());
  const escaped = await resolveTo(cfs, '/escape/made', { followFinal: true, create: true });
  assert.equal(escaped.containerPath, '/host/made');
  assert.ok(fs.statSync(path.join(root, 'host/made')).isDirectory(), 'created inside the root, not on the host');
});

test('resolve: bind mounts lead to their sources, confined there, and back to the container', async (t) => {
  const { root, host } = makeTree(t);
  const binds: RootBind[] = [
    { destination: '/mnt/data', source: path.join(host, 'data'), readOnly: false },
    // The destination goes through a link (/abs -> /etc), as runc resolves it.
    { destination: '/abs/hosts', source: path.join(host, 'hosts'), readOnly: true },
  ];
  const cfs = await ContainerFs.open({ rootfs: root, binds });
  t.after(() => cfs.close());
  assert.equal((await resolveTo(cfs, '/mnt/data/inbind.txt', { followFinal: true })).content, 'in bind\n');
  assert.equal((await resolveTo(cfs, '/etc/hosts', { followFinal: false })).content, 'host file bind\n');
  // ".." at the bind's root goes back to the mount point's parent in the container, never to the host's parent.
  assert.equal((await resolveTo(cfs, '/mnt/data/../../etc/passwd', { followFinal: true })).content, 'container passwd\n');
  await assert.rejects(cfs.resolve('/mnt/data/../../secret', { followFinal: true }), { code: 'WHARF_NO_SUCH_PATH' });
  // An absolute link inside the bind starts from the container's root.
  assert.equal((await resolveTo(cfs, '/mnt/data/out/passwd', { followFinal: true })).content, 'container passwd\n');
  const r = await cfs.resolve('/mnt/data/inbind.txt', { followFinal: false });
  t.after(() => r.close());
  assert.equal(r.bind?.destination, '/mnt/data');
  assert.equal(cfs.bindAt('/etc/hosts')?.readOnly, true);
  assert.deepEqual(cfs.bindsUnder('/mnt').map((b) => b.destination), ['/mnt/data']);
});

test('resolve: a directory swapped for a link after it was opened is not followed: the handle keeps the old one', async (t) => {
  const { root, host } = makeTree(t);
  const cfs = await ContainerFs.open({ rootfs: root, binds: [] });
  t.after(() => cfs.close());
  const r = await cfs.resolve('/tmp/x', { followFinal: false, allowMissingFinal: true });
  t.after(() => r.close());
  // The container replaces /tmp with a link to the host after /tmp was opened: the handle still means the old /tmp.
  fs.renameSync(path.join(root, 'tmp'), path.join(root, 'tmp.old'));
  fs.symlinkSync(host, path.join(root, 'tmp'));
  fs.writeFileSync(r.dir.path(r.name), 'written through the handle');
  assert.equal(fs.readFileSync(path.join(root, 'tmp.old/x'), 'utf8'), 'written through the handle');
  assert.equal(fs.existsSync(path.join(host, 'x')), false);
});
