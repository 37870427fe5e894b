import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { copyInfoDestinationPath, copyTo, untar } from './host-extract.js';
import { tarOf, type FixtureEntry } from './tar-fixtures.test-support.js';

/** sandbox gives a destination directory and, beside it, an "outside" directory that must never change. */
function sandbox(t: TestContext): { dest: string; outside: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'wharf-cp-ext-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dest = join(root, 'dest');
  const outside = join(root, 'outside');
  mkdirSync(dest);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'keep');
  return { dest, outside, root };
}

async function extract(entries: FixtureEntry[], dest: string, warnings: string[] = []): Promise<void> {
  await untar(Readable.from([await tarOf(entries)]), dest, (m) => warnings.push(m));
}

test('files, directories, links, modes and times land as in the archive', async (t) => {
  const { dest } = sandbox(t);
  const mtime = new Date('2020-01-02T03:04:05Z');
  const warnings: string[] = [];
  await extract([
    { name: 'www/', type: 'directory', mode: 0o750, mtime },
    { name: 'www/index.html', body: 'hi', mode: 0o640, mtime },
    { name: 'www/link', type: 'symlink', linkname: 'index.html' },
    { name: 'www/hard', type: 'link', linkname: 'www/index.html', mode: 0o640, mtime },
    { name: 'implied/deep/file', body: 'x' },
    { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 },
  ], dest, warnings);
  assert.equal(readFileSync(join(dest, 'www', 'index.html'), 'utf8'), 'hi');
  assert.equal(statSync(join(dest, 'www', 'index.html')).mode & 0o7777, 0o640);
  assert.equal(statSync(join(dest, 'www')).mode & 0o7777, 0o750);
  assert.equal(statSync(join(dest, 'www')).mtime.getTime(), mtime.getTime());
  assert.equal(statSync(join(dest, 'www', 'index.html')).mtime.getTime(), mtime.getTime());
  assert.equal(readlinkSync(join(dest, 'www', 'link')), 'index.html');
  assert.equal(statSync(join(dest, 'www', 'hard')).ino, statSync(join(dest, 'www', 'index.html')).ino);
  assert.equal(readFileSync(join(dest, 'implied', 'deep', 'file'), 'utf8'), 'x');
  assert.equal(statSync(join(dest, 'implied')).mode & 0o777, 0o755 & ~process.umask());
  assert.ok(!existsSync(join(dest, 'dev', 'null')));
  assert.deepEqual(warnings, ['skipping character-device "dev/null": device nodes and FIFOs are not created by wharf cp']);
});

test('hostile names never leave the destination', async (t) => {
  const { dest, outside } = sandbox(t);
  await assert.rejects(extract([{ name: '../outside/secret', body: 'pwned' }], dest), { message: '"../outside/secret" is outside of ' + JSON.stringify(dest) });
  await assert.rejects(extract([{ name: 'a/../../outside/secret', body: 'pwned' }], dest), /is outside of/);
  // compat: an absolute name is taken relative to the destination, as docker does.
  await extract([{ name: '/abs/file', body: 'in' }], dest);
  assert.equal(readFileSync(join(dest, 'abs', 'file'), 'utf8'), 'in');
  assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'keep');
});

test('nothing is written through a symbolic link, whether from the archive or already there', async (t) => {
  const { dest, outside } = sandbox(t);
  // A link to an absolute path stays a link; writing below it is refused.
  await assert.rejects(
    extract([{ name: 'evil', type: 'symlink', linkname: outside }, { name: 'evil/secret', body: 'pwned' }], dest),
    { message: `cannot extract "evil/secret": ${JSON.stringify(join(dest, 'evil'))} is a symbolic link` },
  );
  assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'keep');
  symlinkSync(outside, join(dest, 'planted'));
  await assert.rejects(extract([{ name: 'planted/new', body: 'pwned' }], dest), /is a symbolic link/);
  assert.ok(!existsSync(join(outside, 'new')));
  // A file entry replaces a link at its own path instead of writing to the link's target.
  symlinkSync(join(outside, 'secret'), join(dest, 'leaf'));
  await extract([{ name: 'leaf', body: 'replaced' }], dest);
  assert.ok(lstatSync(join(dest, 'leaf')).isFile());
  assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'keep');
  // Implied directories are not created through links either.
  await assert.rejects(extract([{ name: 'planted/a/b', body: 'x' }], dest), /is a symbolic link/);
  assert.ok(!existsSync(join(outside, 'a')));
});

test('links whose targets leave the destination are refused (docker\'s breakout checks)', async (t) => {
  const { dest, outside } = sandbox(t);
  await assert.rejects(extract([{ name: 'up', type: 'symlink', linkname: '../outside/secret' }], dest), /^Error: invalid symlink|invalid symlink/);
  await assert.rejects(extract([{ name: 'd/up', type: 'symlink', linkname: '../../outside' }], dest), /invalid symlink/);
  await assert.rejects(extract([{ name: 'h', type: 'link', linkname: '../outside/secret' }], dest), /invalid hardlink/);
  await assert.rejects(extract([{ name: 'h2', type: 'link', linkname: 'through/x' }], dest), /no such file|ENOENT/);
  symlinkSync(outside, join(dest, 'through'));
  await assert.rejects(extract([{ name: 'h3', type: 'link', linkname: 'through/secret' }], dest), /is a symbolic link/);
  // A hard link to an in-tree symbolic link links the link itself.
  await extract([{ name: 'l', type: 'symlink', linkname: 'through/secret' }, { name: 'l2', type: 'link', linkname: 'l' }], dest);
  assert.ok(lstatSync(join(dest, 'l2')).isSymbolicLink());
  assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'keep');
});

test('directories and files do not replace each other', async (t) => {
  const { dest } = sandbox(t);
  mkdirSync(join(dest, 'dir'));
  writeFileSync(join(dest, 'file'), 'f');
  await assert.rejects(extract([{ name: 'dir', body: 'x' }], dest), { message: `cannot overwrite directory ${JSON.stringify(join(dest, 'dir'))} with non-directory ${JSON.stringify(dest)}` });
  await assert.rejects(extract([{ name: 'file/', type: 'directory' }], dest), /cannot overwrite non-directory/);
  await extract([{ name: './', type: 'directory' }, { name: './dir/', type: 'directory', mode: 0o700 }, { name: 'file', body: 'new' }], dest);
  assert.equal(readFileSync(join(dest, 'file'), 'utf8'), 'new');
  assert.equal(statSync(join(dest, 'dir')).mode & 0o777, 0o700);
  await assert.rejects(extract([{ name: 'y', body: 'ok' }, { name: 'weird', type: 'contiguous-file', body: 'c' }], dest), { message: 'unhandled tar header type 55' });
  assert.equal(readFileSync(join(dest, 'y'), 'utf8'), 'ok');
});

test('copyInfoDestinationPath follows the destination\'s own links and needs an existing parent', async (t) => {
  const { dest, root } = sandbox(t);
  symlinkSync(dest, join(root, 'to-dest'));
  assert.deepEqual(await copyInfoDestinationPath(join(root, 'to-dest')), { path: dest, exists: true, isDir: true, rebaseName: '' });
  symlinkSync('dest/new', join(root, 'dangling'));
  assert.deepEqual(await copyInfoDestinationPath(join(root, 'dangling')), { path: join(root, 'dest', 'new'), exists: false, isDir: false, rebaseName: '' });
  await assert.rejects(copyInfoDestinationPath(join(root, 'nope', 'x')), { message: `stat ${join(root, 'nope')}: no such file or directory` });
  writeFileSync(join(root, 'plain'), '');
  await assert.rejects(copyInfoDestinationPath(join(root, 'plain', 'x')), /not a directory/);
  symlinkSync('loop1', join(root, 'loop2'));
  symlinkSync('loop2', join(root, 'loop1'));
  await assert.rejects(copyInfoDestinationPath(join(root, 'loop1')), { message: `too many symlinks in ${join(root, 'loop1')}` });
});

test('copyTo: into an existing directory, as a new name, or onto a file', async (t) => {
  const { dest } = sandbox(t);
  const dirTar = async (): Promise<Readable> => Readable.from([await tarOf([{ name: 'www/', type: 'directory' }, { name: 'www/a', body: 'A' }])]);
  const err = new PassThrough();
  const dirInfo = { path: '/www', exists: true, isDir: true, rebaseName: '' };
  await copyTo(await dirTar(), dirInfo, dest, err);
  assert.equal(readFileSync(join(dest, 'www', 'a'), 'utf8'), 'A');
  await copyTo(await dirTar(), dirInfo, join(dest, 'copy'), err);
  assert.equal(readFileSync(join(dest, 'copy', 'a'), 'utf8'), 'A');
  const fileInfo = { path: '/etc/passwd', exists: true, isDir: false, rebaseName: '' };
  writeFileSync(join(dest, 'target'), 'old');
  await copyTo(Readable.from([await tarOf([{ name: 'passwd', body: 'root:x:0:0' }])]), fileInfo, join(dest, 'target'), err);
  assert.equal(readFileSync(join(dest, 'target'), 'utf8'), 'root:x:0:0');
  await assert.rejects(copyTo(Readable.from([await tarOf([{ name: 'passwd', body: 'r' }])]), fileInfo, `${join(dest, 'missing')}/`, err), { message: 'no such directory' });
  await assert.rejects(copyTo(await dirTar(), dirInfo, join(dest, 'target'), err), { message: 'cannot copy directory' });
});
