import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GO_MODE_DIR, GO_MODE_SYMLINK, GO_MODE_DEVICE } from '../../../client/containers-admin-api.js';
import { startCannedEngine, type CannedRoute, type RecordedRequest } from '../../../client/canned-engine.test-support.js';
import { runWharf } from '../../cli-harness.test-support.js';
import { listTar, tarOf } from '../../container-copy/tar-fixtures.test-support.js';

interface FakeStat {
  mode: number;
  linkTarget?: string;
}

/** CONTAINER_FS is what the fake container has: path to stat (and, for GET, an archive). */
const CONTAINER_FS: Record<string, FakeStat> = {
  '/www': { mode: GO_MODE_DIR + 0o755 },
  '/evil': { mode: GO_MODE_DIR + 0o755 },
  '/etc/passwd': { mode: 0o644 },
  '/link': { mode: GO_MODE_SYMLINK + 0o777, linkTarget: '/www' },
  '/dev/null': { mode: GO_MODE_DEVICE + 0o666 },
};

function statHeader(path: string, st: FakeStat): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return Buffer.from(JSON.stringify({ name, size: 0, mode: st.mode, mtime: '2024-01-01T00:00:00Z', linkTarget: st.linkTarget ?? '' })).toString('base64');
}

async function archiveOf(path: string): Promise<Buffer> {
  if (path === '/www') return tarOf([{ name: 'www/', type: 'directory' }, { name: 'www/index.html', body: 'hello' }, { name: 'www/up', type: 'symlink', linkname: '..' }]);
  if (path === '/evil') return tarOf([{ name: 'evil/', type: 'directory' }, { name: 'evil/up', type: 'symlink', linkname: '../../..' }]);
  if (path === '/etc/passwd') return tarOf([{ name: 'passwd', body: 'root:x:0:0:root:/root:/bin/sh\n' }]);
  return tarOf([]);
}

function routes(): CannedRoute[] {
  const stat = (req: RecordedRequest, res: ServerResponse, body: Buffer | undefined): void => {
    const path = (req.query.get('path') ?? '').replace(/\/\.?$/, '') || '/';
    const st = CONTAINER_FS[path];
    if (!st) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ message: `Could not find the file ${path} in container web` }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-tar', 'x-docker-container-path-stat': statHeader(path, st) });
    res.end(body);
  };
  return [
    { method: 'HEAD', path: '/containers/web/archive', handle: (req, res) => stat(req, res, undefined) },
    { method: 'GET', path: '/containers/web/archive', handle: (req, res) => void archiveOf(req.query.get('path') ?? '').then((b) => stat(req, res, b)) },
    { method: 'PUT', path: '/containers/web/archive', status: 200 },
    { method: 'PUT', path: '/containers/nope/archive', status: 404, json: { message: 'No such container: nope' } },
  ];
}

function localTree(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-cp-cmd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'site', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'site', 'index.html'), 'local');
  writeFileSync(join(dir, 'site', 'sub', 'b'), 'b');
  writeFileSync(join(dir, 'note.txt'), 'note');
  return dir;
}

test('cp DIR web:/www puts the directory into the existing /www', async (t) => {
  const dir = localTree(t);
  const eng = await startCannedEngine(t, routes());
  const r = await runWharf(['cp', join(dir, 'site'), 'web:/www'], { host: eng.host });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const put = eng.requests.find((x) => x.method === 'PUT');
  assert.equal(put?.url, '/v1.50/containers/web/archive?path=%2Fwww&noOverwriteDirNonDir=true');
  assert.deepEqual((await listTar(put?.body ?? Buffer.alloc(0))).map((e) => e.name), ['site/', 'site/index.html', 'site/sub/', 'site/sub/b']);
  assert.equal(eng.requests[0]?.method, 'HEAD');
});

test('cp to a new name renames the top entry and extracts into the parent; "/." copies contents; -a sends copyUIDGID', async (t) => {
  const dir = localTree(t);
  const eng = await startCannedEngine(t, routes());
  await runWharf(['container', 'cp', '-a', join(dir, 'site'), 'web:/srv/new'], { host: eng.host });
  let put = eng.requests.filter((x) => x.method === 'PUT').at(-1);
  assert.equal(put?.url, '/v1.50/containers/web/archive?path=%2Fsrv&noOverwriteDirNonDir=true&copyUIDGID=true');
  assert.deepEqual((await listTar(put?.body ?? Buffer.alloc(0))).map((e) => e.name).slice(0, 2), ['new/', 'new/index.html']);
  await runWharf(['cp', `${join(dir, 'site')}/.`, 'web:/www'], { host: eng.host });
  put = eng.requests.filter((x) => x.method === 'PUT').at(-1);
  assert.deepEqual((await listTar(put?.body ?? Buffer.alloc(0))).map((e) => e.name).slice(0, 2), ['./', './index.html']);
  await runWharf(['cp', join(dir, 'note.txt'), 'web:/etc/passwd'], { host: eng.host });
  put = eng.requests.filter((x) => x.method === 'PUT').at(-1);
  assert.equal(put?.query.get('path'), '/etc');
  assert.deepEqual((await listTar(put?.body ?? Buffer.alloc(0))).map((e) => [e.name, e.body]), [['passwd', 'note']]);
  // A destination that is a symbolic link is followed once (HEAD of the link, then of its target).
  await runWharf(['cp', join(dir, 'note.txt'), 'web:/link'], { host: eng.host });
  put = eng.requests.filter((x) => x.method === 'PUT').at(-1);
  assert.equal(put?.query.get('path'), '/www');
});

test('cp - web:/www sends stdin as the archive; the destination must be a directory', async (t) => {
  const eng = await startCannedEngine(t, routes());
  const archive = await tarOf([{ name: 'x', body: 'y' }]);
  const r = await runWharf(['cp', '-', 'web:/www'], { host: eng.host, stdin: archive });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(eng.requests.filter((x) => x.method === 'PUT').at(-1)?.body, archive);
  const file = await runWharf(['cp', '-', 'web:/etc/passwd'], { host: eng.host, stdin: archive });
  assert.equal(file.status, 1);
  assert.equal(file.stderr, 'destination "web:/etc/passwd" must be a directory\n');
});

test('cp refuses what docker refuses', async (t) => {
  const dir = localTree(t);
  const eng = await startCannedEngine(t, routes());
  const cases: [string[], string][] = [
    [['a:/x', 'b:/y'], 'copying between containers is not supported'],
    [['./a', '/b'], 'must specify at least one container source'],
    [['', 'web:/x'], 'source can not be empty'],
    [['web:/x', ''], 'destination can not be empty'],
    [[join(dir, 'site'), 'web:/etc/passwd'], 'cannot copy directory'],
    [[join(dir, 'note.txt'), 'web:/missing/'], 'no such directory'],
    [[join(dir, 'nope'), 'web:/www'], `lstat ${join(dir, 'nope')}: no such file or directory`],
    [[join(dir, 'note.txt'), 'web:/dev/null'], 'destination "web:/dev/null" must be a directory or a regular file: got a device'],
    [['web:/nothing', join(dir, 'out')], 'Error response from daemon: Could not find the file /nothing in container web'],
    [['web:/www', join(dir, 'no', 'such', 'x')], `invalid output path: directory ${JSON.stringify(join(dir, 'no', 'such'))} does not exist`],
    [[join(dir, 'note.txt'), 'nope:/x'], 'Error response from daemon: No such container: nope'],
  ];
  for (const [args, message] of cases) {
    const r = await runWharf(['cp', ...args], { host: eng.host });
    assert.equal(r.status, 1, args.join(' '));
    assert.equal(r.stderr, `${message}\n`, args.join(' '));
  }
  const three = await runWharf(['cp', 'a', 'b', 'c'], { host: eng.host });
  assert.match(three.stderr, /requires 2 arguments/);
});

test('cp web:/www DIR extracts a copy; hostile links in the archive stay links; a file copies to a file', async (t) => {
  const dir = localTree(t);
  const eng = await startCannedEngine(t, routes());
  const into = await runWharf(['cp', 'web:/www', dir], { host: eng.host });
  assert.equal(into.status, 0, into.stderr);
  assert.equal(readFileSync(join(dir, 'www', 'index.html'), 'utf8'), 'hello');
  assert.equal(readlinkSync(join(dir, 'www', 'up')), '..');
  const renamed = await runWharf(['cp', 'web:/www', join(dir, 'copy')], { host: eng.host });
  assert.equal(renamed.status, 0, renamed.stderr);
  assert.equal(readFileSync(join(dir, 'copy', 'index.html'), 'utf8'), 'hello');
  const evil = await runWharf(['cp', 'web:/evil', join(dir, 'e')], { host: eng.host });
  assert.equal(evil.status, 1);
  assert.match(evil.stderr, /^invalid symlink ".*\/e\/up" -> "\.\.\/\.\.\/\.\."\n$/);
  const file = await runWharf(['cp', 'web:/etc/passwd', join(dir, 'note.txt')], { host: eng.host });
  assert.equal(file.status, 0, file.stderr);
  assert.equal(readFileSync(join(dir, 'note.txt'), 'utf8'), 'root:x:0:0:root:/root:/bin/sh\n');
  const intoFile = await runWharf(['cp', 'web:/www', join(dir, 'note.txt')], { host: eng.host });
  assert.equal(intoFile.stderr, 'cannot copy directory\n');
});

test('cp web:/path - streams the raw archive to stdout', async (t) => {
  const eng = await startCannedEngine(t, routes());
  const bytes: Buffer[] = [];
  const r = await runWharf(['cp', 'web:/etc/passwd', '-'], { host: eng.host, stdoutBytes: bytes });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual((await listTar(Buffer.concat(bytes))).map((e) => e.name), ['passwd']);
});

test('-L follows a container link and names the copy after the link; the summary line comes with -q=false', async (t) => {
  const dir = localTree(t);
  const eng = await startCannedEngine(t, routes());
  const r = await runWharf(['cp', '-L', 'web:/link', join(dir, 'got')], { host: eng.host });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(eng.requests.at(-1)?.query.get('path'), '/www');
  assert.equal(readFileSync(join(dir, 'got', 'index.html'), 'utf8'), 'hello');
  const linked = await runWharf(['cp', '-L', 'web:/link', dir], { host: eng.host });
  assert.equal(linked.status, 0, linked.stderr);
  assert.equal(readFileSync(join(dir, 'link', 'index.html'), 'utf8'), 'hello');
  const ok = await runWharf(['cp', '--quiet=false', 'web:/etc/passwd', join(dir, 'p')], { host: eng.host });
  assert.equal(ok.stderr, `Successfully copied 2.05kB to ${join(dir, 'p')}\n`);
  const up = await runWharf(['cp', '-q=false', join(dir, 'note.txt'), 'web:/www'], { host: eng.host });
  assert.match(up.stderr, /^Successfully copied \d+(\.\d+)?kB to web:\/www\n$/);
  const quiet = await runWharf(['cp', join(dir, 'note.txt'), 'web:/www'], { host: eng.host, stdoutIsTTY: false });
  assert.equal(quiet.stderr, '');
  assert.ok(!existsSync(join(dir, 'got', 'www')));
});

test('a local destination that is a link is followed (the user named it); its parent must exist', async (t) => {
  const dir = localTree(t);
  const eng = await startCannedEngine(t, routes());
  mkdirSync(join(dir, 'real'));
  symlinkSync(join(dir, 'real'), join(dir, 'alias'));
  const r = await runWharf(['cp', 'web:/etc/passwd', join(dir, 'alias')], { host: eng.host });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'real', 'passwd'), 'utf8'), 'root:x:0:0:root:/root:/bin/sh\n');
});

test('an upload refused before its body is read reports the daemon\'s answer, not EPIPE', async (t) => {
  const dir = localTree(t);
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 1));
  const sockDir = mkdtempSync(join(tmpdir(), 'wharf-cp-early-'));
  const requests: string[] = [];
  const socketPath = join(sockDir, 's.sock');
  const server = createServer((req, res) => {
    const gone = JSON.stringify({ message: 'No such container: gone' });
    if (req.method === 'PUT') {
      requests.push(`PUT ${req.url}`);
      // The client sees only a broken connection while it is still sending (what a quick refusal looks like when
      // the answer is lost); the daemon's answer has to be asked for again.
      req.socket.destroy();
      return;
    }
    req.resume();
    if (req.url === '/_ping') {
      res.writeHead(200, { 'api-version': '1.50', 'content-type': 'text/plain' });
      res.end('OK');
      return;
    }
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(req.method === 'HEAD' ? undefined : gone);
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(sockDir, { recursive: true, force: true });
  });
  const r = await runWharf(['cp', join(dir, 'big.bin'), 'gone:/x'], { host: `unix://${socketPath}` });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'Error response from daemon: No such container: gone\n');
  assert.deepEqual(requests, ['HEAD /v1.50/containers/gone/archive?path=%2Fx', 'PUT /v1.50/containers/gone/archive?path=%2F&noOverwriteDirNonDir=true', 'GET /v1.50/containers/gone/json']);
});
