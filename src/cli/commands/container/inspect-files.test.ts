import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCannedEngine } from '../../../client/canned-engine.test-support.js';
import { runWharf } from '../../cli-harness.test-support.js';
import { splitReference } from './commit.js';
import { naturalLess } from './port.js';

const ID = 'f'.repeat(64);
const INSPECT = JSON.stringify({ Id: ID, Name: '/web', State: { Status: 'running' }, NetworkSettings: { Ports: {
  '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }],
  '443/tcp': null,
  '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
  '9/tcp': [{ HostIp: '0.0.0.0', HostPort: '9' }],
} } });

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-cli-ct-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ENGINE = [
  { method: 'GET', path: '/containers/web/json', text: INSPECT, contentType: 'application/json' },
  { method: 'GET', path: '/containers/busybox/json', status: 404, json: { message: 'No such container: busybox' } },
  { method: 'GET', path: '/images/busybox/json', text: '{"Id":"sha256:1"}', contentType: 'application/json' },
  { method: 'GET', path: '/containers/nope/json', status: 404, json: { message: 'No such container: nope' } },
  { method: 'GET', path: '/images/nope/json', status: 404, json: { message: 'No such image: nope:latest' } },
];

test('container inspect: docker\'s indented array, -f templates, -s asks for sizes, misses fail', async (t) => {
  const eng = await startCannedEngine(t, ENGINE);
  const r = await runWharf(['container', 'inspect', 'web'], { host: eng.host });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^\[\n {4}\{\n {8}"Id": "f{64}",\n {8}"Name": "\/web",/);
  const f = await runWharf(['container', 'inspect', '-s', '-f', '{{.State.Status}} {{.Name}}', 'web', 'nope'], { host: eng.host });
  assert.equal(f.status, 1);
  assert.equal(f.stdout, 'running /web\n');
  assert.equal(f.stderr, 'Error response from daemon: No such container: nope\n');
  assert.equal(eng.requests[1]?.url, '/v1.50/containers/web/json?size=1');
});

test('wharf inspect tries containers, then images; --type container and -s work', async (t) => {
  const eng = await startCannedEngine(t, ENGINE);
  const both = await runWharf(['inspect', '-f', '{{.Id}}', 'web', 'busybox'], { host: eng.host });
  assert.equal(both.status, 0, both.stderr);
  assert.equal(both.stdout, `${ID}\nsha256:1\n`);
  const typed = await runWharf(['inspect', '--type', 'container', '-s', '-f', '{{.Name}}', 'web'], { host: eng.host });
  assert.equal(typed.stdout, '/web\n');
  assert.equal(typed.stderr, '');
  assert.equal(eng.requests.at(-1)?.url, '/v1.50/containers/web/json?size=1');
  const notContainer = await runWharf(['inspect', '--type', 'container', 'busybox'], { host: eng.host });
  assert.equal(notContainer.status, 1);
  assert.equal(notContainer.stderr, 'Error response from daemon: No such container: busybox\n');
  const missing = await runWharf(['inspect', 'nope'], { host: eng.host });
  assert.equal(missing.stdout, '[]\n');
  assert.equal(missing.stderr, 'Error: No such object: nope\n');
});

test('port lists mappings in natural order, or one port\'s; docker\'s errors for the others', async (t) => {
  const eng = await startCannedEngine(t, ENGINE);
  const all = await runWharf(['port', 'web'], { host: eng.host });
  assert.equal(all.stdout, '9/tcp -> 0.0.0.0:9\n53/udp -> 127.0.0.1:5353\n80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n');
  const one = await runWharf(['container', 'port', 'web', '80'], { host: eng.host });
  assert.equal(one.stdout, '0.0.0.0:8080\n[::]:8080\n');
  const udp = await runWharf(['port', 'web', '53/udp'], { host: eng.host });
  assert.equal(udp.stdout, '127.0.0.1:5353\n');
  const unpublished = await runWharf(['port', 'web', '443'], { host: eng.host });
  assert.equal(unpublished.status, 1);
  assert.equal(unpublished.stderr, "Error: No public port '443' published for web\n");
  const bad = await runWharf(['port', 'web', 'http'], { host: eng.host });
  assert.equal(bad.stderr, 'Error: invalid port (http): strconv.ParseUint: parsing "http": invalid syntax\n');
  const big = await runWharf(['port', 'web', '70000/tcp'], { host: eng.host });
  assert.equal(big.stderr, 'Error: invalid port (70000): strconv.ParseUint: parsing "70000": value out of range\n');
  const none = await runWharf(['port', 'nope'], { host: eng.host });
  assert.equal(none.stderr, 'Error response from daemon: No such container: nope\n');
  assert.ok(naturalLess('9/tcp', '10/tcp'));
  assert.ok(naturalLess('a1b', 'a01'));
  assert.ok(!naturalLess('b', 'a'));
  assert.ok(naturalLess('x', 'x1'));
});

test('top aligns ps output like docker (minwidth 20); arguments after the name go to ps', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'GET', path: '/containers/web/top', json: { Titles: ['UID', 'PID', 'CMD'], Processes: [['root', '4242', 'httpd -f -p 80'], ['1000', '4300', 'sh']] } },
  ]);
  const r = await runWharf(['top', 'web', '-o', 'pid,comm', '-e'], { host: eng.host });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'UID                 PID                 CMD\nroot                4242                httpd -f -p 80\n1000                4300                sh\n');
  assert.equal(eng.requests[0]?.query.get('ps_args'), '-o pid,comm -e');
});

test('diff prints A/C/D lines; an empty name is refused', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'GET', path: '/containers/web/changes', json: [{ Kind: 0, Path: '/etc' }, { Kind: 1, Path: '/etc/new' }, { Kind: 2, Path: '/tmp/old' }] },
  ]);
  const r = await runWharf(['diff', 'web'], { host: eng.host });
  assert.equal(r.stdout, 'C /etc\nA /etc/new\nD /tmp/old\n');
  const empty = await runWharf(['container', 'diff', ''], { host: eng.host });
  assert.equal(empty.stderr, 'Container name cannot be empty\n');
});

test('commit splits the reference as docker\'s client does and prints the new ID', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'POST', path: '/commit', json: { Id: 'sha256:abc' } }]);
  const r = await runWharf(['commit', '-a', 'me', '-m', 'msg', '-c', 'CMD ["sh"]', '--change', 'ENV A=1', '-p=false', 'web', 'myimg'], { host: eng.host });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'sha256:abc\n');
  assert.equal(
    eng.requests[0]?.url,
    '/v1.50/commit?container=web&repo=docker.io%2Flibrary%2Fmyimg&tag=latest&comment=msg&author=me&changes=CMD+%5B%22sh%22%5D&changes=ENV+A%3D1&pause=0',
  );
  assert.deepEqual(splitReference('localhost:5000/a/b:v2'), { repo: 'localhost:5000/a/b', tag: 'v2' });
  assert.deepEqual(splitReference(''), { repo: '', tag: '' });
  const digest = await runWharf(['commit', 'web', `x@sha256:${'a'.repeat(64)}`], { host: eng.host });
  assert.equal(digest.stderr, 'refusing to create a tag with a digest reference\n');
  const bad = await runWharf(['commit', 'web', 'Bad Name'], { host: eng.host });
  assert.equal(bad.status, 1);
  assert.equal(eng.requests.length, 1);
});

test('export writes to -o atomically (mode 0600) or to stdout, never to a terminal', async (t) => {
  const dir = tempDir(t);
  const eng = await startCannedEngine(t, [
    { method: 'GET', path: '/containers/web/export', text: 'TAR-BYTES', contentType: 'application/x-tar' },
    { method: 'GET', path: '/containers/nope/export', status: 404, json: { message: 'No such container: nope' } },
  ]);
  const out = join(dir, 'web.tar');
  const r = await runWharf(['export', '-o', out, 'web'], { host: eng.host });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(out, 'utf8'), 'TAR-BYTES');
  assert.equal(lstatSync(out).mode & 0o777, 0o600);
  const bytes: Buffer[] = [];
  await runWharf(['container', 'export', 'web'], { host: eng.host, stdoutBytes: bytes });
  assert.equal(Buffer.concat(bytes).toString(), 'TAR-BYTES');
  const tty = await runWharf(['export', 'web'], { host: eng.host, stdoutIsTTY: true });
  assert.equal(tty.stderr, 'cowardly refusing to save to a terminal. Use the -o flag or redirect\n');
  const missing = await runWharf(['export', '-o', join(dir, 'gone.tar'), 'nope'], { host: eng.host });
  assert.equal(missing.stderr, 'Error response from daemon: No such container: nope\n');
  assert.throws(() => lstatSync(join(dir, 'gone.tar')));
  const noDir = await runWharf(['export', '-o', join(dir, 'x', 'y.tar'), 'web'], { host: eng.host });
  assert.equal(noDir.stderr, `failed to export container: invalid output path: stat ${join(dir, 'x')}: no such file or directory\n`);
  mkdirSync(join(dir, 'd'));
  const isDir = await runWharf(['export', '-o', join(dir, 'd'), 'web'], { host: eng.host });
  assert.equal(isDir.stderr, 'failed to export container: cannot write to a directory\n');
  symlinkSync('/etc/passwd', join(dir, 'link'));
  const link = await runWharf(['export', '-o', join(dir, 'link'), 'web'], { host: eng.host });
  assert.equal(link.stderr, 'failed to export container: cannot write to a symbolic link directly\n');
  writeFileSync(join(dir, 'file'), 'x');
  const notDir = await runWharf(['export', '-o', join(dir, 'file', 'a.tar'), 'web'], { host: eng.host });
  assert.equal(notDir.stderr, `failed to export container: invalid output path: stat ${join(dir, 'file')}: not a directory\n`);
  assert.equal(eng.requests.length, 3);
});

test('container prune asks first (no: exit 0, nothing sent), then prints docker\'s report', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'POST', path: '/containers/prune', json: { ContainersDeleted: ['a1', 'b2'], SpaceReclaimed: 2048 } },
  ]);
  const no = await runWharf(['container', 'prune'], { host: eng.host, stdin: 'n\n' });
  assert.equal(no.status, 0);
  assert.equal(no.stdout, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ');
  assert.equal(eng.requests.length, 0);
  const yes = await runWharf(['container', 'prune', '--filter', 'until=24h', '--filter', 'label=x'], { host: eng.host, stdin: 'y\n' });
  assert.equal(yes.stdout, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] Deleted Containers:\na1\nb2\n\nTotal reclaimed space: 2.048kB\n');
  assert.deepEqual(JSON.parse(eng.requests[0]?.query.get('filters') ?? ''), { until: ['24h'], label: ['x'] });
  const forced = await runWharf(['container', 'prune', '-f'], { host: eng.host });
  assert.match(forced.stdout, /^Deleted Containers:\n/);
});

test('prune with nothing to delete reports 0B', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'POST', path: '/containers/prune', json: { ContainersDeleted: null, SpaceReclaimed: 0 } }]);
  const r = await runWharf(['container', 'prune', '-f'], { host: eng.host });
  assert.equal(r.stdout, 'Total reclaimed space: 0B\n');
});
