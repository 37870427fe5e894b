import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { WHARF_CLI, docker, requiresRoot, run, startDaemon, wharf, type Daemon, type RunResult, tree } from './harness.js';

// The wharf CLI's container commands (ps, inspect, stop, rm, cp, diff, commit, stats, top, export, prune) against a
// real wharfd, with the real docker CLI as the reference for output where both can run.

function ok(r: RunResult): string {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function mountsUnder(dir: string): string[] {
  const real = fs.realpathSync(dir);
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(real));
}


/** filesServed tells whether wharfd serves the container file endpoints (501 when built without the file service). */
function filesServed(socket: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, method: 'HEAD', path: '/containers/none/archive?path=/' }, (res) => {
      res.resume();
      resolve(res.statusCode !== 501);
    });
    req.on('error', reject);
    req.end();
  });
}

/** sh runs a shell line with `wharf` meaning the built CLI pointed at the daemon. */
function sh(d: Daemon, line: string): Promise<RunResult> {
  return run('sh', ['-c', `wharf() { "${process.execPath}" "${WHARF_CLI}" "$@"; }; ${line}`], { env: { WHARF_HOST: d.host, WHARF_NO_AUTOSTART: '1' } });
}

test('wharf container commands against wharfd', { timeout: 180_000 }, async (t) => {
  if (!requiresRoot(t)) return;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-it-cli-ct-'));
  // Registered before the daemon's own cleanup (after hooks run in order): containers go while wharfd still runs.
  const started: { d?: Daemon } = {};
  t.after(async () => {
    if (started.d === undefined) return;
    const ids = ok(await wharf(started.d, ['ps', '-a', '-q', '--no-trunc'])).split('\n').filter((x) => x !== '');
    if (ids.length > 0) await wharf(started.d, ['rm', '-f', ...ids]);
  });
  const d = await startDaemon(t, { dir: path.join(work, 'daemon') });
  started.d = d;
  t.after(() => {
    assert.deepEqual(mountsUnder(path.join(work, 'daemon')), [], 'no mount outlives the test');
    fs.rmSync(work, { recursive: true, force: true });
  });
  ok(await wharf(d, ['image', 'bootstrap', 'busybox']));
  const at = (p: string): string => path.join(work, p);

  await t.test('ps, ps -a -q, inspect, stop, start, rm -f', async () => {
    const id = ok(await wharf(d, ['run', '-d', '--name', 'web', '-l', 'tier=front', 'busybox', 'sleep', '600'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const ps = ok(await wharf(d, ['ps']));
    assert.match(ps, /^CONTAINER ID {3}IMAGE {5}COMMAND +CREATED +STATUS +PORTS +NAMES\n/);
    assert.match(ps, new RegExp(`^${id.slice(0, 12)} {3}busybox {3}"sleep 600" {3}.* ago +Up .* +web\\n`, 'm'));
    assert.equal(ok(await wharf(d, ['ps', '-a', '-q'])), `${id.slice(0, 12)}\n`);
    assert.equal(ok(await wharf(d, ['ps', '--format', '{{.Names}} {{.State}} {{.Label "tier"}}'])), 'web running front\n');
    // The same table as the real docker CLI draws from the same daemon.
    // Status ("Up 1 second") depends on the moment of each call, so the two CLIs are compared on the stable columns.
    assert.equal(ok(await wharf(d, ['ps', '-a', '--format', 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.Names}}'])),
      ok(await docker(d, ['ps', '-a', '--format', 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.Names}}'])));
    assert.equal(ok(await wharf(d, ['inspect', '-f', '{{.Id}} {{.State.Status}} {{.Config.Labels.tier}}', 'web'])), `${id} running front\n`);
    assert.equal(JSON.parse(ok(await wharf(d, ['container', 'inspect', 'web'])))[0].Name, '/web');
    assert.equal(ok(await wharf(d, ['stop', '-t', '1', 'web'])), 'web\n');
    assert.match(ok(await wharf(d, ['ps', '-a', '--format', '{{.Status}}'])), /^Exited \(\d+\) /);
    assert.equal(ok(await wharf(d, ['ps', '-q'])), '');
    ok(await wharf(d, ['start', 'web']));
    assert.equal(ok(await wharf(d, ['ps', '--format', '{{.Names}}'])), 'web\n');
    const busy = await wharf(d, ['rm', 'web']);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /^Error response from daemon: .*(running|stop)/i);
    assert.equal(ok(await wharf(d, ['rm', '-f', 'web'])), 'web\n');
    assert.equal(ok(await wharf(d, ['ps', '-a', '-q'])), '');
  });

  await t.test('wharf rm $(wharf ps -a -q) -f removes running and exited containers', async () => {
    ok(await wharf(d, ['run', '-d', 'busybox', 'sleep', '600']));
    ok(await wharf(d, ['run', '-d', 'busybox', 'sleep', '600']));
    ok(await wharf(d, ['run', 'busybox', 'true']));
    assert.equal(ok(await wharf(d, ['ps', '-a', '-q'])).split('\n').filter((x) => x).length, 3);
    const r = ok(await sh(d, 'wharf rm $(wharf ps -a -q) -f'));
    assert.equal(r.split('\n').filter((x) => x).length, 3);
    assert.equal(ok(await wharf(d, ['ps', '-a', '-q'])), '');
  });

  const files = await filesServed(d.socket);
  const needsFiles = files ? {} : { skip: 'this wharfd is built without the container file service' };

  await t.test('cp a directory in and a file out; the copy round-trips; links never lead out', needsFiles, async () => {
    ok(await wharf(d, ['run', '-d', '--name', 'files', 'busybox', 'sleep', '600']));
    fs.mkdirSync(at('site/css'), { recursive: true });
    fs.writeFileSync(at('site/index.html'), '<h1>hello</h1>\n');
    fs.writeFileSync(at('site/css/main.css'), 'body{}\n');
    fs.chmodSync(at('site/css/main.css'), 0o600);
    fs.symlinkSync('index.html', at('site/home.html'));
    ok(await wharf(d, ['cp', at('site'), 'files:/www']));
    assert.equal(ok(await wharf(d, ['exec', 'files', 'cat', '/www/index.html'])), '<h1>hello</h1>\n');
    ok(await wharf(d, ['cp', 'files:/etc/passwd', at('passwd')]));
    assert.match(fs.readFileSync(at('passwd'), 'utf8'), /^root:x:0:0:/);
    ok(await wharf(d, ['cp', 'files:/www', at('back')]));
    assert.deepEqual(tree(at('back')), tree(at('site')));
    fs.mkdirSync(at('into'));
    ok(await wharf(d, ['cp', 'files:/www/.', at('into')]));
    assert.deepEqual(tree(at('into')), tree(at('site')));
    // The docker CLI's copy of the same directory is the same tree.
    ok(await docker(d, ['cp', 'files:/www', at('docker-back')]));
    assert.deepEqual(tree(at('back')), tree(at('docker-back')));
    // - streams: a tar in from stdin, a tar out to stdout.
    const tarred = execFileSync('tar', ['-C', work, '-cf', '-', 'passwd']);
    ok(await wharf(d, ['cp', '-', 'files:/tmp'], { input: tarred }));
    assert.match(ok(await wharf(d, ['exec', 'files', 'head', '-1', '/tmp/passwd'])), /^root:x:0:0:/);
    assert.match(ok(await sh(d, 'wharf cp files:/etc/hostname - | tar -tf -')), /^hostname$/m);
    // A link that climbs out of the copy is refused and nothing lands outside the destination.
    ok(await wharf(d, ['exec', 'files', 'sh', '-c', 'mkdir /evil && ln -s ../../../../../../tmp /evil/up && ln -s /etc /evil/etc']));
    const evil = await wharf(d, ['cp', 'files:/evil', at('evil')]);
    assert.equal(evil.code, 1);
    assert.match(evil.stderr, /^invalid symlink ".*\/evil\/up" -> "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/tmp"\n$/);
    const missing = await wharf(d, ['cp', 'files:/no/such', at('x')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error response from daemon: Could not find the file /no/such in container files\n');
  });

  await t.test('diff, commit and a run of the committed image', needsFiles, async () => {
    const diff = ok(await wharf(d, ['diff', 'files']));
    assert.match(diff, /^A \/www$/m);
    assert.match(diff, /^A \/www\/index\.html$/m);
    assert.equal(diff, ok(await docker(d, ['diff', 'files'])));
    const id = ok(await wharf(d, ['commit', '-m', 'site', '-c', 'CMD ["cat", "/www/index.html"]', 'files', 'site:1'])).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(ok(await wharf(d, ['run', '--rm', 'site:1'])), '<h1>hello</h1>\n');
    assert.match(ok(await wharf(d, ['images', 'site'])), /^site {9}1 {7}/m);
  });

  await t.test('stats --no-stream, top, export, wait, container prune', needsFiles, async () => {
    const stats = ok(await wharf(d, ['stats', '--no-stream']));
    assert.match(stats, /^CONTAINER ID {3}NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS\n/);
    assert.match(stats, /^[0-9a-f]{12} {3}files +\d+\.\d\d% +\S+ \/ \S+ +\d+\.\d\d% +\S+ \/ \S+ +\S+ \/ \S+ +\d+\n/m);
    assert.match(ok(await wharf(d, ['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'files'])), /^files \d+\n$/);
    assert.match(ok(await wharf(d, ['top', 'files'])), /^UID +PID +PPID +C +STIME +TTY +TIME +CMD\nroot +\d+ .*sleep 600\n/);
    ok(await wharf(d, ['export', '-o', at('files.tar'), 'files']));
    assert.match(execFileSync('tar', ['-tf', at('files.tar')]).toString(), /^www\/index\.html$/m);
    assert.equal((await wharf(d, ['run', '--name', 'three', 'busybox', 'sh', '-c', 'exit 3'])).code, 3);
    assert.equal(ok(await wharf(d, ['wait', 'three'])), '3\n');
    const pruned = ok(await wharf(d, ['container', 'prune', '-f']));
    assert.match(pruned, /^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: /);
    assert.equal(ok(await wharf(d, ['ps', '-a', '--format', '{{.Names}}'])), 'files\n');
  });
});
