import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { extract } from 'tar-stream';
import { closeFd, openFd } from './container-path.js';
import { recordingOps } from './testing/recording-ops.js';
import { encodeHeader, paxRecord } from './tar-writer-header.js';
import { tarTree, type TreeTarOptions, type XattrReader } from './tar-writer.js';
import { unpackLayer } from './unpack.js';

interface Listed {
  name: string;
  type: string;
  size: number;
  mode: number;
  uid: number;
  linkname: string | null;
  devmajor?: number;
  devminor?: number;
  data: string;
  pax: Record<string, string>;
}

async function list(stream: Readable): Promise<Listed[]> {
  const ex = extract();
  const out: Listed[] = [];
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, s, next) => {
      const chunks: Buffer[] = [];
      s.on('data', (c: unknown) => void chunks.push(c as Buffer));
      s.on('end', () => {
        const pax = Object.fromEntries(Object.entries(h.pax ?? {}).filter(([k]) => k.startsWith('SCHILY.') || k === 'uid'));
        out.push({
          name: h.name, type: h.type ?? '', size: h.size ?? 0, mode: h.mode ?? 0, uid: h.uid ?? 0, linkname: h.linkname ?? null,
          devmajor: h.devmajor, devminor: h.devminor, data: Buffer.concat(chunks).toString(), pax: pax as Record<string, string>,
        });
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  stream.pipe(ex);
  await done;
  return out;
}

async function tarOfDir(t: TestContext, dir: string, name: string, opts: TreeTarOptions): Promise<Listed[]> {
  const fd = await openFd(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  t.after(() => closeFd(fd));
  return list(tarTree({ dirFd: fd, name }, opts));
}

function tmp(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-tarw-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** fakeXattrs keeps attributes by real path, so /proc/self/fd paths find them. */
function fakeXattrs(attrs: Record<string, Record<string, Buffer>>): XattrReader {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  return {
    llistxattr: (p) => Object.keys(attrs[real(p)] ?? {}),
    lgetxattr: (p, name) => attrs[real(p)]?.[name],
  };
}

test('tarTree: a tree with files, hard links, symlinks and a FIFO, rebased under a top name', async (t) => {
  const dir = tmp(t);
  fs.mkdirSync(path.join(dir, 'www/sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'www/index.html'), 'hello');
  fs.linkSync(path.join(dir, 'www/index.html'), path.join(dir, 'www/sub/hard.html'));
  fs.symlinkSync('/etc/passwd', path.join(dir, 'www/abs'));
  fs.chmodSync(path.join(dir, 'www/index.html'), 0o4755);
  execFileSync('mkfifo', [path.join(dir, 'www/fifo')]);
  fs.utimesSync(path.join(dir, 'www/index.html'), 1_700_000_000.9, 1_700_000_000.9);
  const wwwFd = await openFd(path.join(dir, 'www'), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  t.after(() => closeFd(wwwFd));
  const entries = await list(tarTree({ dirFd: wwwFd, name: '.' }, { topName: 'www' }));
  assert.deepEqual(entries.map((e) => [e.name, e.type]), [
    ['www/', 'directory'],
    ['www/abs', 'symlink'],
    ['www/fifo', 'fifo'],
    ['www/index.html', 'file'],
    ['www/sub/', 'directory'],
    ['www/sub/hard.html', 'link'],
  ]);
  const index = entries.find((e) => e.name === 'www/index.html');
  assert.equal(index?.data, 'hello');
  assert.equal(index?.mode, 0o4755);
  assert.equal(entries.find((e) => e.name === 'www/abs')?.linkname, '/etc/passwd');
  assert.equal(entries.find((e) => e.type === 'link')?.linkname, 'www/index.html');
  // GNU tar reads the same archive.
  const chunks: Buffer[] = [];
  for await (const c of tarTree({ dirFd: wwwFd, name: '.' }, { topName: 'www' })) chunks.push(c as Buffer);
  const listing = execFileSync('tar', ['-tvf', '-'], { input: Buffer.concat(chunks) }).toString();
  assert.match(listing, /^-rwsr-xr-x .* 5 2023-11-1\d \d\d:\d\d www\/index.html$/m);
  assert.match(listing, /^hrwsr-xr-x .* www\/sub\/hard.html link to www\/index.html$/m);
});

test('tarTree: Docker rebase forms "/" and "." and a single file, and a start left out', async (t) => {
  const dir = tmp(t);
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin/sh'), 'sh');
  assert.deepEqual((await tarOfDir(t, dir, '.', { topName: '/' })).map((e) => e.name), ['/', '/bin/', '/bin/sh']);
  assert.deepEqual((await tarOfDir(t, dir, '.', { topName: '.' })).map((e) => e.name), ['./', './bin/', './bin/sh']);
  assert.deepEqual((await tarOfDir(t, dir, '.', {})).map((e) => e.name), ['bin/', 'bin/sh']);
  const single = await tarOfDir(t, path.join(dir, 'bin'), 'sh', { topName: 'renamed' });
  assert.deepEqual(single.map((e) => [e.name, e.data]), [['renamed', 'sh']]);
  assert.deepEqual((await tarOfDir(t, dir, '.', { skip: (rel) => rel === 'bin/sh' })).map((e) => e.name), ['bin/']);
});

test('tarTree: overlay whiteouts and opaque directories become OCI whiteout entries; xattrs are filtered', async (t) => {
  const dir = tmp(t);
  fs.mkdirSync(path.join(dir, 'etc/opaque'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'etc/opaque/kept'), 'k');
  fs.writeFileSync(path.join(dir, 'etc/ping'), 'p');
  const real = fs.realpathSync(dir);
  const xattrs = fakeXattrs({
    [path.join(real, 'etc/opaque')]: { 'trusted.overlay.opaque': Buffer.from('y') },
    [path.join(real, 'etc/ping')]: { 'security.capability': Buffer.from([1, 0, 0, 2, 0x80, 0xff]), 'trusted.overlay.origin': Buffer.from('x'), 'security.selinux': Buffer.from('l') },
  });
  let whiteoutNames: string[] = [];
  if (process.getuid?.() === 0) {
    execFileSync('mknod', [path.join(dir, 'etc/gone'), 'c', '0', '0']);
    whiteoutNames = ['etc/.wh.gone'];
  }
  const entries = await tarOfDir(t, dir, '.', { whiteouts: true, xattrs });
  assert.deepEqual(entries.map((e) => e.name), ['etc/', ...whiteoutNames, 'etc/opaque/', 'etc/opaque/.wh..wh..opq', 'etc/opaque/kept', 'etc/ping']);
  const ping = entries.find((e) => e.name === 'etc/ping');
  assert.deepEqual(Object.keys(ping?.pax ?? {}), ['SCHILY.xattr.security.capability']);
  assert.equal(entries.find((e) => e.name === 'etc/opaque/')?.pax['SCHILY.xattr.trusted.overlay.opaque'], undefined);
  for (const name of whiteoutNames) assert.equal(entries.find((e) => e.name === name)?.type, 'file');
});

test('tarTree: an elided directory is written only before something inside it', async (t) => {
  const dir = tmp(t);
  fs.mkdirSync(path.join(dir, 'etc'));
  fs.mkdirSync(path.join(dir, 'sbin'));
  fs.writeFileSync(path.join(dir, 'etc/hosts'), '');
  fs.writeFileSync(path.join(dir, 'sbin/tool'), 't');
  const opts: TreeTarOptions = { skip: (rel) => rel === 'etc/hosts', elide: async (rel) => rel === 'etc' || rel === 'sbin' };
  assert.deepEqual((await tarOfDir(t, dir, '.', opts)).map((e) => e.name), ['sbin/', 'sbin/tool']);
  fs.writeFileSync(path.join(dir, 'etc/motd'), 'm');
  assert.deepEqual((await tarOfDir(t, dir, '.', opts)).map((e) => e.name), ['etc/', 'etc/motd', 'sbin/', 'sbin/tool']);
});

test('whiteouts both ways: an overlay upper directory, tarred, unpacks to the same overlay whiteouts', async (t) => {
  const upper = tmp(t);
  const target = tmp(t);
  fs.mkdirSync(path.join(upper, 'opaque'));
  fs.writeFileSync(path.join(upper, 'opaque/new'), 'n');
  const xattrs = fakeXattrs({ [path.join(fs.realpathSync(upper), 'opaque')]: { 'trusted.overlay.opaque': Buffer.from('y') } });
  const isRoot = process.getuid?.() === 0;
  if (isRoot) execFileSync('mknod', [path.join(upper, 'gone'), 'c', '0', '0']);
  const fd = await openFd(upper, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  t.after(() => closeFd(fd));
  const ops = recordingOps();
  await unpackLayer(tarTree({ dirFd: fd, name: '.' }, { whiteouts: true, xattrs }), target, { ops });
  const calls = ops.calls.map((c) => (c.op === 'mknod' ? `mknod ${path.relative(target, c.path)} ${c.mode.toString(8)} ${c.major}:${c.minor}` : `xattr ${path.relative(target, c.path)} ${c.name}=${c.value}`));
  assert.deepEqual(calls, [...(isRoot ? ['mknod gone 20000 0:0'] : []), 'xattr opaque trusted.overlay.opaque=79']);
  assert.equal(fs.readFileSync(path.join(target, 'opaque/new'), 'utf8'), 'n');
});

test('tarTree: device nodes keep major and minor (root only)', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('mknod needs root');
  const dir = tmp(t);
  execFileSync('mknod', [path.join(dir, 'null'), 'c', '1', '3']);
  execFileSync('mknod', [path.join(dir, 'loop'), 'b', '7', '300']);
  const entries = await tarOfDir(t, dir, '.', {});
  assert.deepEqual(entries.map((e) => [e.name, e.type, e.devmajor, e.devminor]), [
    ['loop', 'block-device', 7, 300],
    ['null', 'character-device', 1, 3],
  ]);
});

test('tarTree: crossings show a host path in place of an entry; a symlink start is archived as a link', async (t) => {
  const dir = tmp(t);
  const host = tmp(t);
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'hosts'), '');
  fs.writeFileSync(path.join(host, 'inside'), 'from the host');
  fs.writeFileSync(path.join(host, 'hostsfile'), '127.0.0.1 localhost\n');
  fs.symlinkSync('data', path.join(dir, 'link'));
  const crossings = new Map([['data', host], ['hosts', path.join(host, 'hostsfile')]]);
  const entries = await tarOfDir(t, dir, '.', { crossings });
  assert.deepEqual(entries.map((e) => [e.name, e.data]), [
    ['data/', ''], ['data/hostsfile', '127.0.0.1 localhost\n'], ['data/inside', 'from the host'], ['hosts', '127.0.0.1 localhost\n'], ['link', ''],
  ]);
  const link = await tarOfDir(t, dir, 'link', { topName: 'link' });
  assert.deepEqual(link.map((e) => [e.name, e.type, e.linkname]), [['link', 'symlink', 'data']]);
});

test('tarTree: a large file streams in bounded chunks, and a stopped consumer closes the walk', async (t) => {
  const dir = tmp(t);
  const size = 5 * 1024 * 1024 + 7;
  fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(size, 0x61));
  const fd = await openFd(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  t.after(() => closeFd(fd));
  let total = 0;
  let biggest = 0;
  for await (const chunk of tarTree({ dirFd: fd, name: '.' }, {})) {
    total += (chunk as Buffer).length;
    biggest = Math.max(biggest, (chunk as Buffer).length);
  }
  assert.equal(total, 512 + size + (512 - (size % 512)) + 1024);
  assert.ok(biggest <= 64 * 1024 + 1024, `chunk of ${biggest} bytes`);
  const stream = tarTree({ dirFd: fd, name: '.' }, {});
  for await (const _chunk of stream) break;
  assert.equal(stream.destroyed, true);
});

test('encodeHeader: long, non-ASCII names, big ids and binary xattrs go to PAX records', async () => {
  const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
  const header = encodeHeader({
    name: Buffer.from(long), type: 'file', mode: 0o644, uid: 3_000_000, gid: 5, size: 0, mtime: 1,
    linkname: undefined, xattrs: new Map([['user.bin', Buffer.from([0, 0xff, 0x0a])]]),
  });
  const text = header.toString('latin1');
  assert.ok(text.includes(paxRecord('path', Buffer.from(long)).toString('latin1')));
  assert.ok(text.includes('uid=3000000\n'));
  assert.ok(header.includes(Buffer.concat([Buffer.from('SCHILY.xattr.user.bin='), Buffer.from([0, 0xff, 0x0a, 0x0a])])));
  const entries = await list(readableOf(Buffer.concat([header, Buffer.alloc(1024)])));
  assert.equal(entries[0]?.name, long);
  assert.equal(entries[0]?.pax['uid'], '3000000', 'tar-stream leaves PAX ids in pax');
  const utf = await list(readableOf(Buffer.concat([encodeHeader({ name: Buffer.from('café'), type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 }), Buffer.alloc(1024)])));
  assert.equal(utf[0]?.name, 'café');
  assert.equal(paxRecord('a', Buffer.from('b')).toString(), '6 a=b\n');
  // 98 bytes of body plus a 3-digit length: the length field's own growth is counted.
  const edge = paxRecord('k', Buffer.alloc(94, 0x61));
  assert.equal(edge.length, 101);
  assert.ok(edge.toString().startsWith('101 k='));
});

function readableOf(buf: Buffer): Readable {
  return Readable.from([buf]);
}
