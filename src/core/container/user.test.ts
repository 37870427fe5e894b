import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WharfError } from '../../common/errors.js';
import { readRootfsFile, resolveInRoot } from './rootfs-file.js';
import { resolveUser, resolveUserFrom } from './user.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'www:x:33:33:www-data:/var/www:/usr/sbin/nologin',
  '',
  'app:x:1000:1000::/home/app:/bin/sh',
].join('\n');
const GROUP = [
  'root:x:0:',
  'daemon:x:1:',
  '# a comment line',
  'www:x:33:',
  'audio:x:29:app,www',
  'video:x:44:app',
  'app:x:1000:',
  'staff:x:50:',
].join('\n');

test('resolveUserFrom follows runc GetExecUser and Docker GroupAdd', () => {
  const cases: [string, string, string[], { uid: number; gid: number; additionalGids: number[]; home: string }][] = [
    ['default is root', '', [], { uid: 0, gid: 0, additionalGids: [0], home: '/root' }],
    ['name', 'app', [], { uid: 1000, gid: 1000, additionalGids: [1000, 29, 44], home: '/home/app' }],
    ['uid', '33', [], { uid: 33, gid: 33, additionalGids: [33, 29], home: '/var/www' }],
    ['unknown uid', '4242', [], { uid: 4242, gid: 0, additionalGids: [0], home: '/' }],
    ['name:group', 'app:staff', [], { uid: 1000, gid: 50, additionalGids: [50], home: '/home/app' }],
    ['uid:gid', '1000:1234', [], { uid: 1000, gid: 1234, additionalGids: [1234], home: '/home/app' }],
    ['uid:gid unknown', '5000:6000', [], { uid: 5000, gid: 6000, additionalGids: [6000], home: '/' }],
    ['group-add by name and id', 'www', ['staff', '44', '7777', 'staff'], { uid: 33, gid: 33, additionalGids: [33, 29, 50, 44, 7777], home: '/var/www' }],
  ];
  for (const [name, spec, groupAdd, want] of cases) assert.deepEqual(resolveUserFrom(spec, PASSWD, GROUP, groupAdd), want, name);
});

test('resolveUserFrom errors use runc\'s and Docker\'s words', () => {
  const cases: [string, string | undefined, string | undefined, string[], string][] = [
    ['nobody', PASSWD, GROUP, [], 'unable to find user nobody: no matching entries in passwd file'],
    ['nobody', undefined, undefined, [], 'unable to find user nobody: no matching entries in passwd file'],
    ['app:nogroup', PASSWD, GROUP, [], 'unable to find group nogroup: no matching entries in group file'],
    ['app:nogroup', PASSWD, undefined, [], 'unable to find group nogroup: no matching entries in group file'],
    ['-1', PASSWD, GROUP, [], 'uids and gids must be in range 0-2147483647'],
    ['0:4294967296', PASSWD, GROUP, [], 'uids and gids must be in range 0-2147483647'],
    ['app', PASSWD, GROUP, ['wheel'], 'Unable to find group wheel: no matching entries in group file'],
  ];
  for (const [spec, passwd, group, groupAdd, message] of cases) {
    assert.throws(() => resolveUserFrom(spec, passwd, group, groupAdd), { message, code: 'WHARF_UNKNOWN_USER' }, spec);
  }
});

test('without /etc/passwd numeric users still work', () => {
  assert.deepEqual(resolveUserFrom('', undefined, undefined), { uid: 0, gid: 0, additionalGids: [0], home: '/' });
  assert.deepEqual(resolveUserFrom('65534:65534', undefined, undefined, ['12']), { uid: 65534, gid: 65534, additionalGids: [65534, 12], home: '/' });
});

function tempRoot(t: test.TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-user-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('resolveUser reads the files of the container root', async (t) => {
  const dir = tempRoot(t);
  const root = path.join(dir, 'rootfs');
  fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/passwd'), PASSWD);
  fs.writeFileSync(path.join(root, 'etc/group'), GROUP);
  assert.deepEqual(await resolveUser(root, 'app'), { uid: 1000, gid: 1000, additionalGids: [1000, 29, 44], home: '/home/app' });
  fs.rmSync(path.join(root, 'etc'), { recursive: true });
  assert.deepEqual(await resolveUser(root, '7'), { uid: 7, gid: 0, additionalGids: [0], home: '/' });
  await assert.rejects(resolveUser(root, 'app'), { message: 'unable to find user app: no matching entries in passwd file' });
});

test('a symlinked /etc/passwd pointing out of the root stays inside it', async (t) => {
  const dir = tempRoot(t);
  const root = path.join(dir, 'rootfs');
  fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'host'));
  fs.writeFileSync(path.join(dir, 'host/file'), 'evil:x:0:0::/:/bin/sh\n');
  fs.symlinkSync('/../../host/file', path.join(root, 'etc/passwd'));
  assert.equal(await resolveInRoot(root, '/etc/passwd'), undefined, 'resolves to <root>/host/file, which does not exist');
  assert.equal(await readRootfsFile(root, '/etc/passwd'), undefined);
  await assert.rejects(resolveUser(root, 'evil'), /unable to find user evil/);
  fs.mkdirSync(path.join(root, 'host'));
  fs.writeFileSync(path.join(root, 'host/file'), 'inside:x:5:5::/in:/bin/sh\n');
  assert.equal(await resolveInRoot(root, '/etc/passwd'), path.join(fs.realpathSync(root), 'host/file'));
  assert.equal((await resolveUser(root, 'inside')).uid, 5);
  // A relative link climbing out with ../ is clamped at the root as well.
  fs.rmSync(path.join(root, 'etc/passwd'));
  fs.symlinkSync('../../../../host/file', path.join(root, 'etc/passwd'));
  assert.equal((await resolveUser(root, 'inside')).uid, 5);
  // A directory symlink on the way is followed inside the root too.
  fs.rmSync(path.join(root, 'etc'), { recursive: true });
  fs.symlinkSync('/host', path.join(root, 'etc'));
  fs.renameSync(path.join(root, 'host/file'), path.join(root, 'host/passwd'));
  assert.equal((await resolveUser(root, 'inside')).uid, 5);
});

test('a FIFO, a device or a directory as /etc/passwd is a clear error, never a hang', async (t) => {
  const dir = tempRoot(t);
  const root = path.join(dir, 'rootfs');
  fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
  execFileSync('mkfifo', [path.join(root, 'etc/passwd')]);
  await assert.rejects(resolveUser(root, 'app'), (err: unknown) => {
    assert.ok(err instanceof WharfError);
    assert.equal(err.code, 'WHARF_UNSAFE_ROOTFS_FILE');
    assert.equal(err.message, '/etc/passwd in the container is not a regular file');
    return true;
  });
  fs.rmSync(path.join(root, 'etc/passwd'));
  fs.symlinkSync('/dev/null', path.join(root, 'etc/passwd'));
  assert.equal(await readRootfsFile(root, '/etc/passwd'), undefined, 'the host /dev/null is not reached: the root has none');
  fs.rmSync(path.join(root, 'etc/passwd'));
  fs.mkdirSync(path.join(root, 'etc/passwd'));
  await assert.rejects(readRootfsFile(root, '/etc/passwd'), { message: '/etc/passwd in the container is not a regular file' });
});

test('a device node as /etc/passwd is refused (needs root for mknod)', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('mknod needs root');
  const root = tempRoot(t);
  fs.mkdirSync(path.join(root, 'etc'));
  execFileSync('mknod', [path.join(root, 'etc/passwd'), 'c', '1', '3']);
  await assert.rejects(readRootfsFile(root, '/etc/passwd'), { message: '/etc/passwd in the container is not a regular file' });
});

test('readRootfsFile bounds the size and detects symlink loops', async (t) => {
  const root = tempRoot(t);
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'x'.repeat(100));
  assert.equal((await readRootfsFile(root, '/etc/passwd', 100))?.length, 100);
  await assert.rejects(readRootfsFile(root, '/etc/passwd', 99), { message: '/etc/passwd in the container is larger than 99 bytes' });
  fs.symlinkSync('/etc/b', path.join(root, 'etc/a'));
  fs.symlinkSync('/etc/a', path.join(root, 'etc/b'));
  await assert.rejects(readRootfsFile(root, '/etc/a'), /too many levels of symbolic links/);
});
