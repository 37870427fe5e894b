import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { ContainerFs, type RootBind } from './container-path.js';
import { entryName, untarInto, type UntarOptions } from './container-path-untar.js';
import type { SpecialFileOps } from './special-file-ops.js';
import { END_OF_ARCHIVE, padded, paxRecord, rawHeader, tarOf, type FixtureEntry } from './testing/tar-fixture.js';

const isRoot = process.getuid?.() === 0;

/** hostOps is a SpecialFileOps double built on mkfifo/mknod (FIFOs need no root), recording xattrs. */
function hostOps(): SpecialFileOps & { xattrs: Array<[string, string, string]> } {
  const xattrs: Array<[string, string, string]> = [];
  // The commands run in another process, whose /proc/self is not ours.
  const mine = (p: string): string => p.replace('/proc/self/', `/proc/${process.pid}/`);
  return {
    xattrs,
    mknod(p, mode, major, minor) {
      const type = mode & 0o170000;
      if (type === 0o010000) execFileSync('mkfifo', ['-m', (mode & 0o777).toString(8), mine(p)]);
      else execFileSync('mknod', [mine(p), type === 0o020000 ? 'c' : 'b', String(major), String(minor)]);
    },
    lsetxattr(p, name, value) {
      xattrs.push([fs.realpathSync(path.dirname(p)) + '/' + path.basename(p), name, value.toString('hex')]);
    },
    syncfs() {},
  };
}

interface Fixture {
  root: string;
  host: string;
  cfs: ContainerFs;
}

async function fixture(t: TestContext, binds: (host: string) => RootBind[] = () => []): Promise<Fixture> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-untar-'));
  t.after(() => fs.rmSync(base, { recursive: true, force: true }));
  const root = path.join(base, 'root');
  const host = path.join(base, 'host');
  fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
  fs.mkdirSync(path.join(root, 'www'));
  fs.mkdirSync(host);
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
  fs.writeFileSync(path.join(host, 'secret'), 'host secret\n');
  const cfs = await ContainerFs.open({ rootfs: root, binds: binds(host) });
  t.after(() => cfs.close());
  return { root, host, cfs };
}

async function extractTo(f: Fixture, dest: string, tar: Buffer, opts: Partial<UntarOptions> = {}): Promise<void> {
  const d = await f.cfs.resolve(dest, { followFinal: true });
  try {
    await untarInto(f.cfs, d, Readable.from([tar]), { ops: hostOps(), noOverwriteDirNonDir: false, readOnlyRootfs: false, ...opts });
  } finally {
    await d.close();
  }
}

test('entryName: Docker cleaning of archive names, breakouts refused', () => {
  assert.equal(entryName('a/b'), 'a/b');
  assert.equal(entryName('/etc/passwd'), 'etc/passwd');
  assert.equal(entryName('./a/./b/'), 'a/b');
  assert.equal(entryName('a/../b'), 'b');
  assert.equal(entryName('.'), undefined);
  assert.equal(entryName('./'), undefined);
  for (const bad of ['..', '../x', 'a/../../x', 'a\0b']) assert.throws(() => entryName(bad), { code: 'WHARF_ARCHIVE_BREAKOUT' }, bad);
});

test('untarInto: files, directories, links, hard links and FIFOs with their modes and times', async (t) => {
  const f = await fixture(t);
  const entries: FixtureEntry[] = [
    { name: 'site/', type: 'directory', mode: 0o750, mtime: new Date(1_500_000_000_000) },
    { name: 'site/index.html', data: 'hello', mode: 0o4755 },
    { name: 'site/abs', type: 'symlink', linkname: '/etc/passwd' },
    { name: 'site/up', type: 'symlink', linkname: '../../../../etc' },
    { name: 'site/hard', type: 'link', linkname: 'site/index.html' },
    { name: 'site/fifo', type: 'fifo', mode: 0o640 },
    { name: 'implied/deep/file', data: 'x' },
  ];
  await extractTo(f, '/www', await tarOf(entries));
  const www = path.join(f.root, 'www');
  assert.equal(fs.readFileSync(path.join(www, 'site/index.html'), 'utf8'), 'hello');
  assert.equal(fs.statSync(path.join(www, 'site/index.html')).mode & 0o7777, 0o4755);
  assert.equal(fs.statSync(path.join(www, 'site')).mode & 0o7777, 0o750);
  assert.equal(fs.statSync(path.join(www, 'site')).mtimeMs, 1_500_000_000_000);
  assert.equal(fs.readlinkSync(path.join(www, 'site/abs')), '/etc/passwd');
  assert.equal(fs.readlinkSync(path.join(www, 'site/up')), '../../../../etc', 'targets are stored verbatim');
  assert.equal(fs.statSync(path.join(www, 'site/hard')).ino, fs.statSync(path.join(www, 'site/index.html')).ino);
  assert.ok(fs.lstatSync(path.join(www, 'site/fifo')).isFIFO());
  assert.equal(fs.lstatSync(path.join(www, 'site/fifo')).mode & 0o777, 0o640);
  assert.equal(fs.statSync(path.join(www, 'implied/deep')).mode & 0o777, 0o755);
});

test('untarInto: writes through links stay in the container; a link in the way is replaced, not followed', async (t) => {
  const f = await fixture(t);
  fs.symlinkSync('/etc', path.join(f.root, 'www/etclink'));
  fs.symlinkSync(f.host, path.join(f.root, 'www/hostdir'));
  fs.symlinkSync(path.join(f.host, 'secret'), path.join(f.root, 'www/evil'));
  await extractTo(f, '/www', await tarOf([
    { name: 'etclink/motd', data: 'container motd' },
    { name: 'hostdir/x', data: 'inside' },
    { name: 'evil', data: 'replaced' },
  ]));
  assert.equal(fs.readFileSync(path.join(f.root, 'etc/motd'), 'utf8'), 'container motd');
  assert.equal(fs.readFileSync(path.join(f.root, f.host, 'x'), 'utf8'), 'inside', 'the host path is a path in the container');
  assert.equal(fs.existsSync(path.join(f.host, 'x')), false);
  assert.equal(fs.readFileSync(path.join(f.host, 'secret'), 'utf8'), 'host secret\n');
  assert.equal(fs.readFileSync(path.join(f.root, 'www/evil'), 'utf8'), 'replaced');
  // Extracting to a destination that is itself a link follows it inside the container.
  fs.symlinkSync('/etc', path.join(f.root, 'cfg'));
  await extractTo(f, '/cfg', await tarOf([{ name: 'issue', data: 'i' }]));
  assert.equal(fs.readFileSync(path.join(f.root, 'etc/issue'), 'utf8'), 'i');
});

test('untarInto: breakouts, bad hard links, overwrite rules and broken archives are refused', async (t) => {
  const f = await fixture(t);
  await assert.rejects(extractTo(f, '/www', await tarOf([{ name: '../etc/shadow', data: 'x' }])), { code: 'WHARF_ARCHIVE_BREAKOUT' });
  await assert.rejects(extractTo(f, '/www', await tarOf([{ name: 'h', type: 'link', linkname: '../etc/passwd' }])), { code: 'WHARF_ARCHIVE_BREAKOUT' });
  await assert.rejects(extractTo(f, '/www', await tarOf([{ name: 'd', type: 'directory' }, { name: 'h', type: 'link', linkname: 'd' }])), { code: 'WHARF_INVALID_COPY_ARCHIVE' });
  await assert.rejects(extractTo(f, '/www', await tarOf([{ name: 'h', type: 'link', linkname: 'missing' }])), { code: 'WHARF_NO_SUCH_PATH' });
  fs.mkdirSync(path.join(f.root, 'www/dir'));
  fs.writeFileSync(path.join(f.root, 'www/file'), '');
  await assert.rejects(extractTo(f, '/www', await tarOf([{ name: 'dir', data: 'x' }]), { noOverwriteDirNonDir: true }), {
    message: 'cannot overwrite directory "dir" with non-directory "/www"',
  });
  await assert.rejects(extractTo(f, '/www', await tarOf([{ name: 'file', type: 'directory' }]), { noOverwriteDirNonDir: true }), {
    message: 'cannot overwrite non-directory "file" with directory "/www"',
  });
  // Without the flag both are replaced (compat: Docker's default).
  await extractTo(f, '/www', await tarOf([{ name: 'dir', data: 'now a file' }, { name: 'file', type: 'directory' }]));
  assert.equal(fs.readFileSync(path.join(f.root, 'www/dir'), 'utf8'), 'now a file');
  assert.ok(fs.statSync(path.join(f.root, 'www/file')).isDirectory());
  await assert.rejects(extractTo(f, '/www', Buffer.concat([rawHeader('x', '0', 100), Buffer.alloc(10)])), { code: 'WHARF_INVALID_COPY_ARCHIVE' });
  await assert.rejects(extractTo(f, '/www', Buffer.concat([rawHeader('sock', 'S', 0), END_OF_ARCHIVE])), { code: 'WHARF_INVALID_COPY_ARCHIVE' });
});

test('untarInto: read-only binds and a read-only root filesystem refuse writes, writable binds take them', async (t) => {
  const f = await fixture(t, (host) => {
    fs.mkdirSync(path.join(host, 'rw'));
    fs.mkdirSync(path.join(host, 'ro'));
    return [
      { destination: '/data', source: path.join(host, 'rw'), readOnly: false },
      { destination: '/conf', source: path.join(host, 'ro'), readOnly: true },
    ];
  });
  await extractTo(f, '/data', await tarOf([{ name: 'a', data: 'A' }]), { readOnlyRootfs: true });
  assert.equal(fs.readFileSync(path.join(f.host, 'rw/a'), 'utf8'), 'A');
  await assert.rejects(extractTo(f, '/conf', await tarOf([{ name: 'a', data: 'A' }])), { message: 'mounted volume is marked read-only' });
  await assert.rejects(extractTo(f, '/www', await tarOf([{ name: 'a', data: 'A' }]), { readOnlyRootfs: true }), { message: 'container rootfs is marked read-only' });
  // Entries that lead from a writable place into a read-only one are refused too.
  await assert.rejects(extractTo(f, '/', await tarOf([{ name: 'conf/b', data: 'B' }])), { code: 'WHARF_READ_ONLY_PATH' });
  assert.equal(fs.existsSync(path.join(f.host, 'ro/b')), false);
});

test('untarInto: PAX xattrs arrive byte-exact; owner and devices (root only)', async (t) => {
  const f = await fixture(t);
  const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0xff]);
  const paxData = Buffer.concat([paxRecord('SCHILY.xattr.security.capability', cap), paxRecord('SCHILY.xattr.trusted.overlay.opaque', Buffer.from('y'))]);
  const tar = Buffer.concat([rawHeader('PaxHeaders/ping', 'x', paxData.length), padded(paxData), rawHeader('ping', '0', 1, 0o755), padded(Buffer.from('p')), END_OF_ARCHIVE]);
  const ops = hostOps();
  const d = await f.cfs.resolve('/www', { followFinal: true });
  t.after(() => d.close());
  await untarInto(f.cfs, d, Readable.from([tar]), { ops, noOverwriteDirNonDir: false, readOnlyRootfs: false });
  assert.deepEqual(ops.xattrs, [[path.join(fs.realpathSync(f.root), 'www/ping'), 'security.capability', cap.toString('hex')]]);
  if (!isRoot) return t.skip('ownership and device nodes need root');
  await extractTo(f, '/www', await tarOf([{ name: 'owned', data: 'o', uid: 1234, gid: 5678 }, { name: 'null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 }]));
  const owned = fs.statSync(path.join(f.root, 'www/owned'));
  assert.deepEqual([owned.uid, owned.gid], [1234, 5678]);
  const dev = fs.lstatSync(path.join(f.root, 'www/null'));
  assert.ok(dev.isCharacterDevice());
  assert.equal(dev.mode & 0o777, 0o666);
  await extractTo(f, '/www', await tarOf([{ name: 'mine', data: 'm', uid: 1234, gid: 5678 }]), { owner: { uid: 42, gid: 43 } });
  const mine = fs.statSync(path.join(f.root, 'www/mine'));
  assert.deepEqual([mine.uid, mine.gid], [42, 43]);
});

test('untarInto: many directories keep the descriptor cache bounded and every file lands', async (t) => {
  const f = await fixture(t);
  const entries: FixtureEntry[] = [];
  for (let i = 0; i < 150; i++) entries.push({ name: `d${i}/sub/f`, data: String(i) });
  for (let i = 0; i < 150; i += 37) entries.push({ name: `d${i}/sub/g`, data: `again ${i}` });
  const before = fs.readdirSync('/proc/self/fd').length;
  await extractTo(f, '/www', await tarOf(entries));
  assert.ok(fs.readdirSync('/proc/self/fd').length <= before + 2, 'descriptors are released');
  assert.equal(fs.readFileSync(path.join(f.root, 'www/d149/sub/f'), 'utf8'), '149');
  assert.equal(fs.readFileSync(path.join(f.root, 'www/d74/sub/g'), 'utf8'), 'again 74');
});
