import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { prepareArchiveCopy, rebaseArchiveEntries } from './archive-copy.js';
import { copyInfoSourcePath, tarResource } from './host-source.js';
import { listTar, tarOf } from './tar-fixtures.test-support.js';

function tree(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-cp-src-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'site', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'site', 'index.html'), 'hello\n');
  writeFileSync(join(dir, 'site', 'sub', 'b.txt'), 'b');
  chmodSync(join(dir, 'site', 'sub', 'b.txt'), 0o4750);
  linkSync(join(dir, 'site', 'index.html'), join(dir, 'site', 'sub', 'hard.html'));
  symlinkSync('/etc/passwd', join(dir, 'site', 'outside'));
  symlinkSync('site', join(dir, 'alias'));
  utimesSync(join(dir, 'site', 'index.html'), 1_700_000_000.75, 1_700_000_000.75);
  return dir;
}

test('a directory is archived under its base name: lexical order, links kept as links, hard links once', async (t) => {
  const dir = tree(t);
  const info = await copyInfoSourcePath(join(dir, 'site'), false);
  assert.deepEqual(info, { path: join(dir, 'site'), exists: true, isDir: true, rebaseName: '' });
  const entries = await listTar(tarResource(info));
  assert.deepEqual(entries.map((e) => [e.name, e.type, e.linkname]), [
    ['site/', 'directory', ''],
    ['site/index.html', 'file', ''],
    ['site/outside', 'symlink', '/etc/passwd'],
    ['site/sub/', 'directory', ''],
    ['site/sub/b.txt', 'file', ''],
    ['site/sub/hard.html', 'link', 'site/index.html'],
  ]);
  assert.equal(entries[1]?.body, 'hello\n');
  assert.equal(entries[4]?.mode, 0o4750);
  assert.equal(entries[4]?.uid, process.getuid?.() ?? 0);
});

test('"dir/." archives the contents as ./ entries; a file is archived alone', async (t) => {
  const dir = tree(t);
  const dot = await listTar(tarResource(await copyInfoSourcePath(`${join(dir, 'site')}/.`, false)));
  assert.deepEqual(dot.map((e) => e.name).slice(0, 3), ['./', './index.html', './outside']);
  const file = await listTar(tarResource(await copyInfoSourcePath(join(dir, 'site', 'sub', 'b.txt'), false)));
  assert.deepEqual(file.map((e) => [e.name, e.body]), [['b.txt', 'b']]);
});

test('a symbolic link source is copied as the link; with -L as its target under the link\'s name', async (t) => {
  const dir = tree(t);
  const asLink = await listTar(tarResource(await copyInfoSourcePath(join(dir, 'alias'), false)));
  assert.deepEqual(asLink.map((e) => [e.name, e.type, e.linkname]), [['alias', 'symlink', 'site']]);
  const followed = await copyInfoSourcePath(join(dir, 'alias'), true);
  assert.equal(followed.rebaseName, 'alias');
  assert.equal(followed.isDir, true);
  const names = (await listTar(tarResource(followed))).map((e) => e.name);
  assert.deepEqual(names.slice(0, 2), ['alias/', 'alias/index.html']);
  // Parent directories are resolved even without -L (docker's ResolveHostSourcePath).
  const viaParent = await copyInfoSourcePath(join(dir, 'alias', 'index.html'), false);
  assert.equal(viaParent.path, join(dir, 'site', 'index.html'));
});

test('missing sources fail with Go\'s wording', async (t) => {
  const dir = tree(t);
  await assert.rejects(copyInfoSourcePath(join(dir, 'nope'), false), { message: `lstat ${join(dir, 'nope')}: no such file or directory` });
  await assert.rejects(copyInfoSourcePath(`${join(dir, 'site', 'index.html')}/`, false), { message: `lstat ${join(dir, 'site', 'index.html')}/: not a directory` });
  await assert.rejects(copyInfoSourcePath(join(dir, 'gone', 'x'), false), /^Error: lstat .*gone: no such file or directory$|no such file or directory/);
});

test('prepareArchiveCopy follows docker\'s four cases', async () => {
  const src = async (): Promise<Readable> => Readable.from([await tarOf([{ name: 'site/', type: 'directory' }, { name: 'site/a', body: 'A' }])]);
  const dirSrc = { path: '/h/site', exists: true, isDir: true, rebaseName: '' };
  const fileSrc = { path: '/h/f.txt', exists: true, isDir: false, rebaseName: '' };
  const into = prepareArchiveCopy(await src(), dirSrc, { path: '/www', exists: true, isDir: true, rebaseName: '' });
  assert.equal(into.dstDir, '/www');
  assert.deepEqual((await listTar(into.content)).map((e) => e.name), ['site/', 'site/a']);
  const renamed = prepareArchiveCopy(await src(), dirSrc, { path: '/srv/new', exists: false, isDir: false, rebaseName: '' });
  assert.equal(renamed.dstDir, '/srv');
  assert.deepEqual((await listTar(renamed.content)).map((e) => e.name), ['new/', 'new/a']);
  assert.throws(() => prepareArchiveCopy(Readable.from([]), dirSrc, { path: '/etc/hosts', exists: true, isDir: false, rebaseName: '' }), { message: 'cannot copy directory' });
  assert.throws(() => prepareArchiveCopy(Readable.from([]), fileSrc, { path: '/nodir/', exists: false, isDir: false, rebaseName: '' }), { message: 'no such directory' });
  const fileOver = prepareArchiveCopy(Readable.from([await tarOf([{ name: 'f.txt', body: 'x' }])]), fileSrc, { path: '/etc/motd', exists: true, isDir: false, rebaseName: '' });
  assert.equal(fileOver.dstDir, '/etc');
  assert.deepEqual((await listTar(fileOver.content)).map((e) => e.name), ['motd']);
});

test('rebaseArchiveEntries replaces the first occurrence, hard link targets too; a root old base prefixes', async () => {
  const archive = await tarOf([
    { name: 'site/', type: 'directory' },
    { name: 'site/x/site', body: '1' },
    { name: 'site/h', type: 'link', linkname: 'site/x/site' },
  ]);
  const out = await listTar(rebaseArchiveEntries(Readable.from([archive]), 'site', 'www'));
  assert.deepEqual(out.map((e) => [e.name, e.linkname]), [['www/', ''], ['www/x/site', ''], ['www/h', 'www/x/site']]);
  const rooted = await listTar(rebaseArchiveEntries(Readable.from([await tarOf([{ name: 'etc/hosts', body: 'h' }])]), '/', 'root'));
  assert.deepEqual(rooted.map((e) => e.name), ['rootetc/hosts']);
  const broken = rebaseArchiveEntries(Readable.from([Buffer.alloc(700, 7)]), 'a', 'b');
  await assert.rejects(listTar(broken));
});
