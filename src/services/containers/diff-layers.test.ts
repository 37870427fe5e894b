import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { XattrReader } from '../../core/archive/tar-writer.js';
import { diffLayers, LowerView, statDifferent } from './diff-layers.js';

const isRoot = process.getuid?.() === 0;

/** fakeXattrs keeps attributes by real path, so /proc/self/fd paths find them too. */
function fakeXattrs(attrs: Map<string, Record<string, Buffer>>): XattrReader {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  return { llistxattr: (p) => Object.keys(attrs.get(real(p)) ?? {}), lgetxattr: (p, name) => attrs.get(real(p))?.[name] };
}

function write(base: string, rel: string, data = ''): void {
  fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
  fs.writeFileSync(path.join(base, rel), data);
}

function whiteout(base: string, rel: string): void {
  fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
  execFileSync('mknod', [path.join(base, rel), 'c', '0', '0']);
}

function layers(t: TestContext): { upper: string; top: string; bottom: string; xattrs: Map<string, Record<string, Buffer>> } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-diff-')));
  t.after(() => fs.rmSync(base, { recursive: true, force: true }));
  const dirs = { upper: path.join(base, 'upper'), top: path.join(base, 'top'), bottom: path.join(base, 'bottom') };
  for (const d of Object.values(dirs)) fs.mkdirSync(d);
  return { ...dirs, xattrs: new Map() };
}

test('LowerView: merges image layers as overlayfs does (whiteouts, opaque directories, non-directories)', async (t) => {
  if (!isRoot) return t.skip('whiteouts are device nodes: root only');
  const l = layers(t);
  write(l.bottom, 'etc/passwd', 'p');
  write(l.bottom, 'etc/group', 'g');
  write(l.bottom, 'opt/app/old', 'o');
  write(l.bottom, 'var/lib/x', 'x');
  write(l.bottom, 'file/under', 'u');
  whiteout(l.top, 'etc/group');
  write(l.top, 'opt/app/new', 'n');
  l.xattrs.set(path.join(l.top, 'opt/app'), { 'trusted.overlay.opaque': Buffer.from('y') });
  write(l.top, 'var', 'now a file');
  fs.mkdirSync(path.join(l.top, 'file'));
  const view = new LowerView([l.top, l.bottom], fakeXattrs(l.xattrs));
  assert.ok(await view.lstat('etc/passwd'));
  assert.equal(await view.lstat('etc/group'), undefined);
  assert.equal(await view.lstat('opt/app/old'), undefined);
  assert.ok(await view.lstat('opt/app/new'));
  assert.equal(await view.lstat('var/lib/x'), undefined);
  assert.ok((await view.lstat('var'))?.isFile());
  assert.ok(await view.lstat('file/under'), 'a directory over a directory merges');
  assert.equal(await view.lstat('nothing'), undefined);
  assert.deepEqual([...(await view.children('etc'))].sort(), ['passwd']);
  assert.deepEqual([...(await view.children('opt/app'))].sort(), ['new']);
});

test('diffLayers: added, modified, deleted, opaque, hidden, and parents reported modified', async (t) => {
  const l = layers(t);
  write(l.bottom, 'etc/passwd', 'root');
  write(l.bottom, 'etc/motd', 'same');
  write(l.bottom, 'usr/share/doc/a', 'a');
  write(l.bottom, 'usr/share/doc/b', 'b');
  write(l.bottom, 'tmp/keep', 'k');
  fs.chmodSync(path.join(l.bottom, 'tmp'), 0o1777);
  fs.utimesSync(path.join(l.bottom, 'etc/motd'), 1000, 1000);
  // The container: a new file in a new dir, a changed passwd, motd copied up unchanged, /usr/share/doc emptied
  // and recreated (opaque), /tmp copied up with the same mode, /etc/hosts as a mount point, a chmod of /srv.
  write(l.upper, 'root/new/file', 'n');
  write(l.upper, 'etc/passwd', 'root:changed');
  write(l.upper, 'etc/motd', 'same');
  fs.utimesSync(path.join(l.upper, 'etc/motd'), 1000, 1000);
  write(l.upper, 'etc/hosts', '');
  fs.mkdirSync(path.join(l.upper, 'usr/share/doc'), { recursive: true });
  write(l.upper, 'usr/share/doc/c', 'c');
  l.xattrs.set(path.join(l.upper, 'usr/share/doc'), { 'trusted.overlay.opaque': Buffer.from('y') });
  fs.mkdirSync(path.join(l.upper, 'tmp'));
  fs.chmodSync(path.join(l.upper, 'tmp'), 0o1777);
  fs.mkdirSync(path.join(l.bottom, 'srv'));
  fs.mkdirSync(path.join(l.upper, 'srv'), { mode: 0o700 });
  fs.chmodSync(path.join(l.upper, 'srv'), 0o700);
  fs.mkdirSync(path.join(l.upper, 'proc/1'), { recursive: true });
  write(l.upper, 'sbin/docker-init', '');
  if (isRoot) whiteout(l.upper, 'tmp/keep');
  const hidden = (rel: string): boolean => ['etc/hosts', 'sbin/docker-init'].includes(rel) || rel === 'proc' || rel.startsWith('proc/');
  const opts = { hidden, xattrs: fakeXattrs(l.xattrs), elide: new Set(['etc', 'sbin']) };
  const changes = await diffLayers(l.upper, new LowerView([l.bottom], fakeXattrs(l.xattrs)), opts);
  const expected = [
    ['/etc', 0],
    ['/etc/passwd', 0],
    ['/root', 1],
    ['/root/new', 1],
    ['/root/new/file', 1],
    ['/srv', 0],
    ...(isRoot ? [['/tmp', 0], ['/tmp/keep', 2]] : []),
    ['/usr', 0],
    ['/usr/share', 0],
    ['/usr/share/doc', 0],
    ['/usr/share/doc/a', 2],
    ['/usr/share/doc/b', 2],
    ['/usr/share/doc/c', 1],
  ];
  assert.deepEqual(changes.map((c) => [c.path, c.kind]), expected);
});

test('statDifferent: moby rules (mode, owner, rdev; size and second-precision mtime for files only)', (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-statdiff-'));
  t.after(() => fs.rmSync(base, { recursive: true, force: true }));
  write(base, 'a', 'x');
  write(base, 'b', 'x');
  fs.utimesSync(path.join(base, 'a'), 1000, 1000);
  fs.utimesSync(path.join(base, 'b'), 1000.5, 1000.5);
  const st = (p: string): fs.BigIntStats => fs.lstatSync(path.join(base, p), { bigint: true });
  assert.equal(statDifferent(st('a'), st('b')), false, 'same second, one side without nanoseconds');
  fs.writeFileSync(path.join(base, 'b'), 'xy');
  fs.utimesSync(path.join(base, 'b'), 1000, 1000);
  assert.equal(statDifferent(st('a'), st('b')), true, 'size differs');
  fs.mkdirSync(path.join(base, 'd1'));
  fs.mkdirSync(path.join(base, 'd2'));
  fs.utimesSync(path.join(base, 'd2'), 5, 5);
  assert.equal(statDifferent(st('d1'), st('d2')), false, 'directory times do not count');
  fs.chmodSync(path.join(base, 'd2'), 0o700);
  assert.equal(statDifferent(st('d1'), st('d2')), true);
});
