import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { docker, requiresRoot, run, startDaemon, wharf, type Daemon, type RunResult, tree } from './harness.js';

// `docker cp`, `docker diff`, `docker commit` and `docker export` through the real docker CLI against wharfd.
// WHARF_TEST_DAEMON_HOST=unix:///path.sock runs the same cases against a daemon that is already running.

function ok(r: RunResult): string {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function mountsUnder(dir: string): string[] {
  const real = fs.realpathSync(dir);
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(real));
}

/** headStatus asks the daemon for a file stat over raw HTTP: 501 means wharfd was built without the file service. */
function headStatus(socket: string, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, method: 'HEAD', path: p }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function filesDaemon(t: TestContext, work: string): Promise<Daemon | undefined> {
  const external = process.env.WHARF_TEST_DAEMON_HOST;
  let d: Daemon;
  if (external !== undefined && external.startsWith('unix://')) {
    const socket = external.slice('unix://'.length);
    d = { socket, host: external, dataRoot: '', dir: work, process: undefined as never, logs: () => '', stop: async () => null };
  } else {
    d = await startDaemon(t, { dir: path.join(work, 'daemon') });
    t.after(() => assert.deepEqual(mountsUnder(path.join(work, 'daemon')), [], 'no mount outlives the test'));
  }
  if ((await headStatus(d.socket, '/containers/none/archive?path=/')) === 501) {
    t.skip('this wharfd is built without the container file service (wire containerFileService in src/daemon/wire.ts)');
    return undefined;
  }
  assert.equal((await wharf(d, ['image', 'bootstrap', 'busybox'])).code, 0);
  return d;
}


test('docker cp, diff, commit and export through the real docker CLI', async (t) => {
  if (!requiresRoot(t)) return;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-it-files-'));
  const names: string[] = [];
  // Registered before the daemon's own cleanup: node:test runs `after` hooks in the order they were added, and the
  // containers must go while the daemon still runs.
  const started: { d?: Daemon } = {};
  t.after(async () => {
    if (started.d !== undefined && names.length > 0) await docker(started.d, ['rm', '-f', ...names]);
  });
  started.d = await filesDaemon(t, work);
  t.after(() => fs.rmSync(work, { recursive: true, force: true }));
  if (started.d === undefined) return;
  const dd = started.d;
  const name = (base: string): string => {
    const n = `${base}-${process.pid}`;
    names.push(n);
    return n;
  };
  const web = name('cpweb');
  ok(await docker(dd, ['run', '-d', '--name', web, 'busybox', 'sleep', '600']));
  const at = (p: string): string => path.join(work, p);

  await t.test('a directory to the container and back', async () => {
    fs.mkdirSync(at('site/css'), { recursive: true });
    fs.writeFileSync(at('site/index.html'), '<h1>hello</h1>\n');
    fs.writeFileSync(at('site/css/main.css'), 'body{}\n');
    fs.chmodSync(at('site/css/main.css'), 0o600);
    fs.symlinkSync('index.html', at('site/home.html'));
    ok(await docker(dd, ['cp', at('site'), `${web}:/www`]));
    assert.equal(ok(await docker(dd, ['exec', web, 'cat', '/www/index.html'])), '<h1>hello</h1>\n');
    ok(await docker(dd, ['cp', `${web}:/www`, at('back')]));
    assert.deepEqual(tree(at('back')), tree(at('site')));
    // "dir/." copies the content into an existing directory.
    fs.mkdirSync(at('into'));
    ok(await docker(dd, ['cp', `${web}:/www/.`, at('into')]));
    assert.deepEqual(tree(at('into')), tree(at('site')));
  });

  await t.test('single files both ways, -a ownership, - tar streams', async () => {
    fs.writeFileSync(at('note.txt'), 'a note\n');
    ok(await docker(dd, ['cp', at('note.txt'), `${web}:/tmp/`]));
    ok(await docker(dd, ['cp', at('note.txt'), `${web}:/tmp/renamed.txt`]));
    assert.equal(ok(await docker(dd, ['exec', web, 'cat', '/tmp/note.txt', '/tmp/renamed.txt'])), 'a note\na note\n');
    ok(await docker(dd, ['cp', `${web}:/etc/passwd`, at('passwd')]));
    assert.match(fs.readFileSync(at('passwd'), 'utf8'), /^root:x:0:0:/);
    fs.chownSync(at('note.txt'), 1234, 2345);
    ok(await docker(dd, ['cp', '-a', at('note.txt'), `${web}:/tmp/owned.txt`]));
    assert.match(ok(await docker(dd, ['exec', web, 'stat', '-c', '%u:%g', '/tmp/owned.txt'])), /^1234:2345$/m);
    const tarred = execFileSync('tar', ['-C', work, '-cf', '-', 'note.txt']);
    ok(await docker(dd, ['exec', web, 'mkdir', '/opt']));
    ok(await run('docker', ['-H', dd.host, 'cp', '-', `${web}:/opt`], { input: tarred, env: { DOCKER_CONFIG: at('docker-config') } }));
    assert.equal(ok(await docker(dd, ['exec', web, 'cat', '/opt/note.txt'])), 'a note\n');
    const out = await run('sh', ['-c', `docker -H ${dd.host} cp ${web}:/etc/hostname - | tar -tvf -`], { env: { DOCKER_CONFIG: at('docker-config') } });
    assert.match(ok(out), /hostname$/m);
    const missing = await docker(dd, ['cp', `${web}:/no/such`, at('x')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`Could not find the file /no/such in container ${web}`));
  });

  await t.test('links inside the container never lead to the host (CVE-2018-15664 class), -L follows them', async () => {
    const marker = `wharf-cp-escape-${process.pid}`;
    ok(await docker(dd, ['exec', web, 'sh', '-c', 'ln -s /etc /tmp/etclink && ln -s ../../../../../.. /tmp/up && echo inside > /etc/inside.txt']));
    fs.writeFileSync(at(marker), 'must stay in the container\n');
    ok(await docker(dd, ['cp', at(marker), `${web}:/tmp/etclink/`]));
    assert.equal(fs.existsSync(path.join('/etc', marker)), false, 'nothing was written to the host /etc');
    assert.equal(ok(await docker(dd, ['exec', web, 'cat', `/etc/${marker}`])), 'must stay in the container\n');
    ok(await docker(dd, ['cp', `${web}:/tmp/up/etc/inside.txt`, at('inside.txt')]));
    assert.equal(fs.readFileSync(at('inside.txt'), 'utf8'), 'inside\n');
    ok(await docker(dd, ['cp', `${web}:/tmp/etclink`, at('link')]));
    assert.equal(fs.readlinkSync(at('link')), '/etc', 'without -L the link itself is copied');
    ok(await docker(dd, ['cp', '-L', `${web}:/tmp/etclink`, at('followed')]));
    assert.ok(fs.existsSync(at('followed/inside.txt')), '-L copies what the link leads to, in the container');
  });

  await t.test('docker diff, docker commit and running the committed image', async () => {
    ok(await docker(dd, ['exec', web, 'sh', '-c', 'rm /bin/vi && mkdir -p /root/made && echo made > /root/made/file']));
    const diff = ok(await docker(dd, ['diff', web])).split('\n');
    for (const line of ['C /bin', 'D /bin/vi', 'A /root/made', 'A /root/made/file', 'A /www', 'A /www/index.html']) assert.ok(diff.includes(line), line);
    assert.ok(!diff.some((l) => /\/etc\/(hosts|hostname|resolv\.conf)$|^[ACD] \/(proc|sys|dev)/.test(l)), diff.join('\n'));
    const image = `committed-${process.pid}:v1`;
    const id = ok(await docker(dd, ['commit', '-m', 'by the test', '-a', 'tester', '-c', 'ENV FROM_COMMIT=yes', web, image])).trim();
    assert.match(id, /^sha256:[a-f0-9]{64}$/);
    const ran = ok(await docker(dd, ['run', '--rm', image, 'sh', '-c', 'cat /root/made/file /www/index.html; echo $FROM_COMMIT; test -e /bin/vi || echo no-vi']));
    assert.equal(ran, 'made\n<h1>hello</h1>\nyes\nno-vi\n');
    assert.match(ok(await docker(dd, ['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', image])).split('\n')[0] ?? '', /^sleep 600\|by the test$/);
    assert.equal(ok(await docker(dd, ['inspect', '-f', '{{.Author}}', image])).trim(), 'tester');
    const fresh = name('cpfresh');
    ok(await docker(dd, ['run', '-d', '--name', fresh, 'busybox', 'sleep', '600']));
    assert.equal(ok(await docker(dd, ['diff', fresh])), '', 'a fresh container has no changes');
  });

  await t.test('docker export of a running and of a stopped container', async () => {
    const list = await run('sh', ['-c', `docker -H ${dd.host} export ${web} | tar -tf -`], { env: { DOCKER_CONFIG: at('docker-config') } });
    const entries = ok(list).split('\n');
    for (const e of ['bin/', 'bin/sh', 'www/index.html', 'root/made/file']) assert.ok(entries.includes(e), e);
    assert.ok(!entries.includes('bin/vi'));
    ok(await docker(dd, ['stop', '-t', '1', web]));
    fs.writeFileSync(at('later.txt'), 'copied while stopped\n');
    ok(await docker(dd, ['cp', at('later.txt'), `${web}:/www/`]));
    ok(await docker(dd, ['export', '-o', at('stopped.tar'), web]));
    assert.match(execFileSync('tar', ['-tf', at('stopped.tar')]).toString(), /^www\/later\.txt$/m);
    ok(await docker(dd, ['start', web]));
    assert.equal(ok(await docker(dd, ['exec', web, 'cat', '/www/later.txt'])), 'copied while stopped\n');
  });

  await t.test('read-only root filesystems and extraction points that are not directories', async () => {
    const ro = name('cpro');
    ok(await docker(dd, ['run', '-d', '--read-only', '--name', ro, 'busybox', 'sleep', '600']));
    const refused = await docker(dd, ['cp', at('note.txt'), `${ro}:/tmp/`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /container rootfs is marked read-only/);
    const notDir = await run('sh', ['-c', `tar -C ${work} -cf - note.txt | docker -H ${dd.host} cp - ${web}:/etc/passwd`], { env: { DOCKER_CONFIG: at('docker-config') } });
    assert.notEqual(notDir.code, 0);
  });
});
