import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCannedEngine } from '../../../client/canned-engine.test-support.js';
import { runWharf } from '../../cli-harness.test-support.js';

function tempDir(t: test.TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-archive-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ID = `sha256:${'d'.repeat(64)}`;
const importRoute = { method: 'POST', path: '/images/create', text: `{"status":"${ID}"}\n`, contentType: 'application/json' };

test('import streams a local file and prints the new image ID', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'rootfs.tar');
  writeFileSync(file, 'TAR-CONTENT');
  const eng = await startCannedEngine(t, [importRoute]);
  const r = await runWharf(['import', '-c', 'CMD ["sh"]', '--change', 'ENV A=1', '-m', 'from test', file, 'mine:1'], { host: eng.host });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, `${ID}\n`);
  const req = eng.requests.find((x) => x.path === '/images/create');
  assert.ok(req);
  assert.equal(req.body.toString(), 'TAR-CONTENT');
  assert.equal(req.query.get('fromSrc'), '-');
  assert.equal(req.query.get('repo'), 'mine:1');
  assert.equal(req.query.get('message'), 'from test');
  assert.deepEqual(req.query.getAll('changes'), ['CMD ["sh"]', 'ENV A=1']);
});

test('import - reads stdin; URLs are not supported; a missing file or bad name fails before the daemon', async (t) => {
  const eng = await startCannedEngine(t, [importRoute]);
  const r = await runWharf(['image', 'import', '-'], { host: eng.host, stdin: 'FROM-STDIN' });
  assert.equal(r.stdout, `${ID}\n`);
  assert.equal(eng.requests.find((x) => x.path === '/images/create')?.body.toString(), 'FROM-STDIN');
  const before = eng.requests.length;
  const url = await runWharf(['import', 'https://example.com/x.tar'], { host: eng.host });
  assert.equal(url.status, 1);
  assert.equal(url.stderr, 'importing from a URL is not supported by wharf yet: https://example.com/x.tar\n');
  const missing = await runWharf(['import', '/nonexistent/x.tar'], { host: eng.host });
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, 'open /nonexistent/x.tar: no such file or directory\n');
  const badRef = await runWharf(['import', '-', 'UPPER'], { host: eng.host });
  assert.equal(badRef.status, 1);
  assert.match(badRef.stderr, /invalid reference format/);
  assert.equal(eng.requests.length, before);
});

test('an error message inside the progress stream fails the command with that message', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'POST', path: '/images/create', text: '{"status":"Importing"}\n{"errorDetail":{"message":"archive/tar: invalid tar header"},"error":"archive/tar: invalid tar header"}\n', contentType: 'application/json' },
  ]);
  const r = await runWharf(['import', '-'], { host: eng.host, stdin: 'junk' });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, 'Importing\n');
  assert.equal(r.stderr, 'archive/tar: invalid tar header\n');
});

const saveRoute = { method: 'GET', path: '/images/get', text: Buffer.from([0, 1, 2, 255, 0x1f, 0x8b]), contentType: 'application/x-tar' };

test('save -o writes the archive atomically with mode 0600', async (t) => {
  const dir = tempDir(t);
  const eng = await startCannedEngine(t, [saveRoute]);
  const out = join(dir, 'images.tar');
  const r = await runWharf(['save', '-o', out, 'busybox', 'alpine:3'], { host: eng.host });
  assert.equal(r.status, 0);
  assert.deepEqual([...readFileSync(out)], [0, 1, 2, 255, 0x1f, 0x8b]);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['images.tar']);
  assert.equal(eng.requests[0]?.url, '/v1.50/images/get?names=busybox&names=alpine%3A3');
});

test('save streams to stdout, but never to a terminal', async (t) => {
  const eng = await startCannedEngine(t, [saveRoute]);
  const bytes: Buffer[] = [];
  const r = await runWharf(['image', 'save', 'busybox'], { host: eng.host, stdoutBytes: bytes });
  assert.equal(r.status, 0);
  assert.deepEqual([...Buffer.concat(bytes)], [0, 1, 2, 255, 0x1f, 0x8b]);
  const tty = await runWharf(['save', 'busybox'], { host: eng.host, stdoutIsTTY: true });
  assert.equal(tty.status, 1);
  assert.equal(tty.stderr, 'cowardly refusing to save to a terminal. Use the -o flag or redirect\n');
  const bad = await runWharf(['save', '-o', '/nonexistent/dir/x.tar', 'busybox'], { host: eng.host });
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, 'failed to save image: invalid output path: directory "/nonexistent/dir" does not exist\n');
  assert.equal(eng.requests.length, 1);
});

test('save of a missing image leaves no file behind', async (t) => {
  const dir = tempDir(t);
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/images/get', status: 404, json: { message: 'No such image: nope:latest' } }]);
  const r = await runWharf(['save', '-o', join(dir, 'x.tar'), 'nope'], { host: eng.host });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'Error response from daemon: No such image: nope:latest\n');
  assert.deepEqual(readdirSync(dir), []);
});

const loadRoute = { method: 'POST', path: '/images/load', text: '{"stream":"Loaded image: busybox:latest\\n"}\n', contentType: 'application/json' };

test('load reads -i FILE or stdin and prints what the daemon loaded', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'in.tar');
  writeFileSync(file, 'ARCHIVE');
  const eng = await startCannedEngine(t, [loadRoute]);
  const r = await runWharf(['load', '-i', file], { host: eng.host });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'Loaded image: busybox:latest\n');
  assert.equal(eng.requests.at(-1)?.body.toString(), 'ARCHIVE');
  // compat: docker asks for quiet progress when stdout is not a terminal.
  assert.equal(eng.requests.at(-1)?.query.get('quiet'), '1');
  const s = await runWharf(['image', 'load'], { host: eng.host, stdin: 'PIPED', stdoutIsTTY: true });
  assert.equal(s.stdout, 'Loaded image: busybox:latest\n');
  assert.equal(eng.requests.at(-1)?.body.toString(), 'PIPED');
  assert.equal(eng.requests.at(-1)?.query.get('quiet'), '0');
});

test('load refuses an interactive stdin and a missing file', async (t) => {
  const eng = await startCannedEngine(t, [loadRoute]);
  const tty = await runWharf(['load'], { host: eng.host, stdinIsTTY: true });
  assert.equal(tty.status, 1);
  assert.equal(tty.stderr, 'requested load from stdin, but stdin is empty\n');
  const missing = await runWharf(['load', '-i', '/nonexistent.tar'], { host: eng.host });
  assert.equal(missing.stderr, 'open /nonexistent.tar: no such file or directory\n');
  assert.equal(eng.requests.length, 0);
});
