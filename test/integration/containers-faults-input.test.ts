// Bad input against a real wharfd (issue 3, "Bad input and faults"): unknown images, name and state conflicts,
// invalid run flags, commands that cannot run, and `cp` through links that point out of the container. Each case
// is checked through the wharf CLI, the real docker CLI and the raw Engine API, and ends with nothing created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import tar from 'tar-stream';
import { docker, requiresRoot, wharf, type Daemon, type RunResult } from './harness.js';
import { api, containerIds, faultDaemon, message, ok, type ApiResponse } from './containers-faults-fixture.js';

type Cli = (d: Daemon, args: readonly string[], opts?: { input?: Buffer | string }) => Promise<RunResult>;
const CLIS: readonly [string, Cli][] = [['wharf', wharf], ['docker', docker]];

/** nothingCreated asserts the daemon knows no container and left no container directory or runtime bundle behind. */
async function nothingCreated(d: Daemon, dir: string): Promise<void> {
  assert.deepEqual(await containerIds(d), [], 'no container was created');
  assert.deepEqual(fs.readdirSync(path.join(dir, 'data', 'containers')), [], 'no container directory was left');
  const bundles = path.join(dir, 'exec', 'containers');
  assert.deepEqual(fs.existsSync(bundles) ? fs.readdirSync(bundles) : [], [], 'no runtime bundle was left');
}

test('unknown image: "Unable to find image", "No such image", exit 125, 404 from the API, nothing created', async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  for (const [name, cli] of CLIS) {
    const r = await cli(d, ['run', '--rm', 'nosuchimage']);
    assert.equal(r.code, 125, `${name}: ${r.stderr}`);
    // The CLI looks locally, says so, then tries to pull (which fails offline) and reports the daemon's error.
    assert.match(r.stderr, new RegExp(`^Unable to find image 'nosuchimage:latest' locally\\n${name}: Error response from daemon: .+`), name);
    const tagged = await cli(d, ['run', '-d', 'nosuchimage:v9']);
    assert.equal(tagged.code, 125, `${name}: ${tagged.stderr}`);
    assert.match(tagged.stderr, /^Unable to find image 'nosuchimage:v9' locally\n/);
    // Without the pull, the daemon's own 404 reaches the user in Docker's words.
    const never = await cli(d, ['run', '--pull', 'never', '--rm', 'nosuchimage']);
    assert.equal(never.code, 125, `${name}: ${never.stderr}`);
    assert.match(never.stderr, new RegExp(`^${name}: Error response from daemon: No such image: nosuchimage:latest\\n`));
    const created = await cli(d, ['create', '--pull', 'never', 'nosuchimage']);
    assert.equal(created.code, 1, `${name}: ${created.stderr}`);
    assert.match(created.stderr, /^Error response from daemon: No such image: nosuchimage:latest\n/);
  }
  const raw = await api(d, 'POST', '/containers/create', { Image: 'nosuchimage', Cmd: ['true'] });
  assert.deepEqual([raw.status, message(raw)], [404, 'No such image: nosuchimage:latest']);
  const byId = await api(d, 'POST', '/containers/create', { Image: `sha256:${'0'.repeat(64)}` });
  assert.equal(byId.status, 404, byId.body);
  assert.match(message(byId), /^No such image: sha256:0{64}$/);
  await nothingCreated(d, f.dir);
});

test('a name already in use is a 409 in Docker\'s words; the existing container is untouched', async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  const id = ok(await wharf(d, ['run', '-d', '--name', 'web', 'busybox', 'sleep', '600']));
  const expected = `Conflict. The container name "/web" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`;
  const raw = await api(d, 'POST', '/containers/create?name=web', { Image: 'busybox', Cmd: ['true'] });
  assert.deepEqual([raw.status, message(raw)], [409, expected]);
  // A leading slash names the same container.
  assert.equal((await api(d, 'POST', '/containers/create?name=/web', { Image: 'busybox', Cmd: ['true'] })).status, 409);
  for (const [name, cli] of CLIS) {
    const r = await cli(d, ['run', '--name', 'web', 'busybox', 'true']);
    assert.equal(r.code, 125, `${name}: ${r.stderr}`);
    assert.ok(r.stderr.startsWith(`${name}: Error response from daemon: ${expected}\n`), r.stderr);
    const c = await cli(d, ['create', '--name', 'web', 'busybox', 'true']);
    assert.equal(c.code, 1, `${name}: ${c.stderr}`);
    assert.ok(c.stderr.startsWith(`Error response from daemon: ${expected}`), c.stderr);
  }
  // A rename onto the taken name is refused the same way.
  ok(await wharf(d, ['create', '--name', 'other', 'busybox', 'true']));
  const rename = await api(d, 'POST', '/containers/other/rename?name=web');
  assert.equal(rename.status, 409, rename.body);
  assert.deepEqual((await containerIds(d)).length, 2);
  assert.equal(ok(await docker(d, ['inspect', '-f', '{{.Id}} {{.State.Status}}', 'web'])), `${id} running`);
});

test('rm of a running container without -f is a 409 and leaves it running; -f removes it', async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  const id = ok(await docker(d, ['run', '-d', '--name', 'busy', 'busybox', 'sleep', '600']));
  const raw = await api(d, 'DELETE', '/containers/busy');
  assert.deepEqual([raw.status, message(raw)],
    [409, 'cannot remove container "/busy": container is running: stop the container before removing or force remove']);
  for (const [name, cli] of CLIS) {
    const r = await cli(d, ['rm', 'busy']);
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.equal(r.stderr, 'Error response from daemon: cannot remove container "/busy": container is running: stop the container before removing or force remove\n');
  }
  // A paused container is refused as well.
  ok(await docker(d, ['pause', 'busy']));
  const paused = await api(d, 'DELETE', '/containers/busy');
  assert.equal(paused.status, 409, paused.body);
  assert.match(message(paused), /container is (paused|running)/);
  ok(await docker(d, ['unpause', 'busy']));
  assert.equal(ok(await docker(d, ['inspect', '-f', '{{.State.Status}}', id])), 'running');
  assert.equal(ok(await wharf(d, ['rm', '-f', 'busy'])), 'busy');
  await nothingCreated(d, f.dir);
});

test('exec into a created, a stopped or a paused container is a 409', async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  const created = ok(await docker(d, ['create', '--name', 'fresh', 'busybox', 'sleep', '600']));
  const stopped = ok(await docker(d, ['run', '-d', '--name', 'done', 'busybox', 'sleep', '600']));
  ok(await docker(d, ['stop', '-t', '0', 'done']));
  for (const [ref, id] of [['fresh', created], ['done', stopped]] as const) {
    const raw = await api(d, 'POST', `/containers/${ref}/exec`, { Cmd: ['true'] });
    assert.deepEqual([raw.status, message(raw)], [409, `container ${id} is not running`]);
    for (const [name, cli] of CLIS) {
      const r = await cli(d, ['exec', ref, 'true']);
      assert.equal(r.code, 1, `${name}: ${r.stderr}`);
      assert.equal(r.stderr, `Error response from daemon: container ${id} is not running\n`, name);
    }
  }
  const paused = ok(await docker(d, ['run', '-d', '--name', 'frozen', 'busybox', 'sleep', '600']));
  ok(await docker(d, ['pause', 'frozen']));
  // compat: Docker names a paused container as the client did, capitalised (daemon/exec.go getActiveContainer).
  for (const ref of ['frozen', paused]) {
    const raw = await api(d, 'POST', `/containers/${ref}/exec`, { Cmd: ['true'] });
    assert.deepEqual([raw.status, message(raw)], [409, `Container ${ref} is paused, unpause the container before exec`]);
  }
  ok(await docker(d, ['unpause', 'frozen']));
  assert.equal(ok(await docker(d, ['exec', 'frozen', 'echo', 'alive'])), 'alive');
});

// Each invalid value with the error both CLIs print (the CLI's own flag parsing, or the daemon's check).
function invalidRunFlags(hostDir: string): { args: string[]; error: RegExp }[] {
  return [
    { args: ['-m', 'x'], error: /^invalid argument "x" for "-m, --memory" flag: invalid size: 'x'\n/ },
    { args: ['-m', '5x'], error: /^invalid argument "5x" for "-m, --memory" flag: invalid suffix: 'x'\n/ },
    { args: ['-m', '1k'], error: /Error response from daemon: Minimum memory limit allowed is 6MB\n/ },
    { args: ['--cpus', 'abc'], error: /^invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number\n/ },
    { args: ['--cpus', '100000'], error: /Error response from daemon: range of CPUs is from 0\.01 to \d+\.00, as there are only \d+ CPUs available\n/i },
    { args: ['--restart', 'bogus'], error: /Error response from daemon: invalid restart policy: unknown policy 'bogus'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'\n/ },
    { args: ['--restart', 'on-failure:x'], error: /invalid restart policy format: maximum retry count must be an integer\n/ },
    { args: ['--restart', 'always:3'], error: /Error response from daemon: invalid restart policy: maximum retry count can only be used with 'on-failure'\n/ },
    { args: ['--restart', 'on-failure:-1'], error: /Error response from daemon: invalid restart policy: maximum retry count cannot be negative\n/ },
    { args: ['-e', '=foo'], error: /^invalid argument "=foo" for "-e, --env" flag: invalid environment variable: =foo\n/ },
    { args: ['-e', ''], error: /^invalid argument "" for "-e, --env" flag: invalid environment variable: \n/ },
    { args: ['--ulimit', 'nofile'], error: /^invalid argument "nofile" for "--ulimit" flag: invalid ulimit argument: nofile\n/ },
    { args: ['--ulimit', 'bogus=1'], error: /^invalid argument "bogus=1" for "--ulimit" flag: invalid ulimit type: bogus\n/ },
    { args: ['--ulimit', 'nofile=10:5'], error: /^invalid argument "nofile=10:5" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: 10 > 5\n/ },
    { args: ['--ulimit', 'nofile=a:b'], error: /^invalid argument "nofile=a:b" for "--ulimit" flag: strconv.ParseInt: parsing "b": invalid syntax\n/ },
    { args: ['--ulimit', 'nofile=-5'], error: /Error response from daemon: invalid ulimit value for nofile: values must be -1 \(unlimited\) or positive\n/ },
    { args: ['-v', ':/x'], error: /invalid spec: :\/x: empty section between colons\n/ },
    { args: ['-v', `${hostDir}:relative`], error: /Error response from daemon: invalid volume specification: '.*:relative': invalid mount config for type "bind": invalid mount path: 'relative' mount path must be absolute\n/ },
    { args: ['-v', `${hostDir}:/`], error: /Error response from daemon: invalid volume specification: '.*:\/': invalid mount config for type "bind": invalid specification: destination can't be '\/'\n/ },
    { args: ['-v', `${hostDir}:/x:zz`], error: /Error response from daemon: invalid mode: zz\n/ },
    { args: ['--mount', `type=bind,source=${hostDir}/missing,target=/x`], error: /Error response from daemon: invalid mount config for type "bind": bind source path does not exist: .*\/missing\n/ },
  ];
}

test('invalid -m, --cpus, --restart, -e, --ulimit, -v: a clear error, exit 125, nothing created', async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  const hostDir = path.join(f.dir, 'bind-src');
  fs.mkdirSync(hostDir);
  const cases = invalidRunFlags(hostDir);
  const runs = await Promise.all(cases.flatMap((c) => CLIS.map(async ([name, cli]) => ({ c, name, r: await cli(d, ['run', ...c.args, 'busybox', 'true']) }))));
  for (const { c, name, r } of runs) {
    const what = `${name} run ${c.args.join(' ')}`;
    assert.equal(r.code, 125, `${what}: ${r.stderr}`);
    assert.match(r.stderr, c.error, what);
    assert.equal(r.stdout, '', what);
  }
  await nothingCreated(d, f.dir);
});

test('the daemon refuses the same invalid values from a client that skips the CLI checks (400, nothing created)', async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  const hc = (h: Record<string, unknown>): Record<string, unknown> => ({ Image: 'busybox', Cmd: ['true'], HostConfig: h });
  const cases: [Record<string, unknown>, RegExp][] = [
    [hc({ Memory: -5 }), /^Minimum memory limit allowed is 6MB$/],
    [hc({ Memory: 'lots' }), /HostConfig\.Memory/],
    [hc({ NanoCpus: -1 }), /range of CPUs is from 0\.01/i],
    [hc({ NanoCpus: 1e15 }), /range of CPUs is from 0\.01/i],
    [hc({ RestartPolicy: { Name: 'bogus' } }), /^invalid restart policy: unknown policy 'bogus'/],
    [hc({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: -1 } }), /maximum retry count cannot be negative/],
    [{ Image: 'busybox', Cmd: ['true'], Env: ['=foo'] }, /^invalid environment variable: =foo$/],
    [{ Image: 'busybox', Cmd: ['true'], Env: [''] }, /^invalid environment variable: $/],
    [hc({ Ulimits: [{ Name: 'bogus', Soft: 1, Hard: 1 }] }), /^invalid ulimit type: bogus$/],
    [hc({ Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 5 }] }), /^ulimit soft limit must be less than or equal to hard limit: 10 > 5$/],
    [hc({ Binds: ['/tmp:relative'] }), /mount path must be absolute/],
    [hc({ Binds: ['/tmp:/x:zz'] }), /^invalid mode: zz$/],
    [hc({ Mounts: [{ Type: 'bind', Source: '/nonexistent-wharf-src', Target: '/x' }] }), /bind source path does not exist: \/nonexistent-wharf-src$/],
  ];
  for (const [body, error] of cases) {
    const r = await api(d, 'POST', '/containers/create', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.body}`);
    assert.match(message(r), error);
  }
  await nothingCreated(d, f.dir);
});

test('-v with a host directory that does not exist yet creates it, as Docker does for -v (not for --mount)', async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  const fresh = path.join(f.dir, 'made-by-run', 'nested');
  for (const [name, cli] of CLIS) {
    const r = await cli(d, ['run', '--rm', '-v', `${fresh}-${name}:/data`, 'busybox', 'sh', '-c', 'test -d /data && touch /data/written']);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.ok(fs.statSync(`${fresh}-${name}`).isDirectory(), `${name}: the host directory was created`);
    assert.ok(fs.existsSync(path.join(`${fresh}-${name}`, 'written')), `${name}: the container wrote into it`);
  }
});

test('a command that is not in the image exits 127, one that cannot be executed 126; inspect records it', async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  for (const [name, cli] of CLIS) {
    const missing = await cli(d, ['run', '--name', `missing-${name}`, 'busybox', 'nosuchcommand']);
    assert.equal(missing.code, 127, `${name}: ${missing.stderr}`);
    assert.match(missing.stderr, /exec: "nosuchcommand": executable file not found in \$PATH/);
    const absent = await cli(d, ['run', '--rm', 'busybox', '/no/such/file']);
    assert.equal(absent.code, 127, `${name}: ${absent.stderr}`);
    assert.match(absent.stderr, /no such file or directory/);
    const dir = await cli(d, ['run', '--name', `dir-${name}`, 'busybox', '/etc']);
    assert.equal(dir.code, 126, `${name}: ${dir.stderr}`);
    assert.match(dir.stderr, /permission denied/);
    const plain = await cli(d, ['run', '--rm', 'busybox', '/etc/passwd']);
    assert.equal(plain.code, 126, `${name}: ${plain.stderr}`);
    const entry = await cli(d, ['run', '--rm', '--entrypoint', 'nosuchentry', 'busybox']);
    assert.equal(entry.code, 127, `${name}: ${entry.stderr}`);
  }
  // The failed starts are recorded as Docker records them: never running, the exit code, the runtime's error.
  for (const [ref, code] of [['missing-wharf', 127], ['dir-docker', 126]] as const) {
    const state = JSON.parse(ok(await docker(d, ['inspect', '-f', '{{json .State}}', ref]))) as { Status: string; ExitCode: number; Error: string; Running: boolean };
    assert.deepEqual([state.Status, state.ExitCode, state.Running], ['created', code, false], ref);
    assert.match(state.Error, code === 127 ? /executable file not found/ : /permission denied/);
  }
  // The API's start answers 400 with the runtime's message (the CLIs derive 126/127 from it).
  const raw = await api(d, 'POST', '/containers/missing-docker/start');
  assert.equal(raw.status, 400, raw.body);
  assert.match(message(raw), /^OCI runtime create failed: .*executable file not found in \$PATH/);
});

/** tarOf builds an in-memory tar with one regular file. */
async function tarOf(name: string, content: string): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name, mode: 0o644 }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** putArchive is `PUT /containers/{id}/archive?path=...` with a tar body. */
function putArchive(d: Daemon, ref: string, dest: string, body: Buffer): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      socketPath: d.socket, method: 'PUT', path: `/v1.50/containers/${ref}/archive?path=${encodeURIComponent(dest)}`,
      headers: { 'Content-Type': 'application/x-tar', 'Content-Length': body.length },
    }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('cp through links that point outside the container stays inside it, with both CLIs', async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  // A host directory the container must never see or write: the links below name its host path.
  const outside = path.join(f.dir, 'host-only');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 'host secret\n');
  const note = path.join(f.dir, 'note.txt');
  fs.writeFileSync(note, 'from the host\n');
  ok(await docker(d, ['run', '-d', '--name', 'box', 'busybox', 'sleep', '600']));
  const climb = '../'.repeat(12) + outside.slice(1);
  ok(await docker(d, ['exec', 'box', 'sh', '-c', `mkdir -p ${outside} /tmp/links && ln -s ${outside} /tmp/links/abs && ln -s ${climb} /tmp/links/rel && ln -s / /tmp/links/root`]));
  for (const [name, cli] of CLIS) {
    for (const link of ['abs', 'rel']) {
      const into = await cli(d, ['cp', note, `box:/tmp/links/${link}/${name}-${link}.txt`]);
      assert.equal(into.code, 0, `${name} cp into ${link}: ${into.stderr}`);
      // The file is in the container's own ${outside}, which the link names inside the container.
      assert.equal(ok(await docker(d, ['exec', 'box', 'cat', `${outside}/${name}-${link}.txt`])), 'from the host');
      const out = await cli(d, ['cp', `box:/tmp/links/${link}/secret`, path.join(f.dir, `${name}-${link}-stolen`)]);
      assert.equal(out.code, 1, `${name} cp out of ${link}: ${out.stdout}`);
      assert.match(out.stderr, new RegExp(`Could not find the file /tmp/links/${link}/secret in container box`));
      assert.equal(fs.existsSync(path.join(f.dir, `${name}-${link}-stolen`)), false);
    }
    // "/" inside the container is the container's root: /tmp/links/root/etc/passwd is the container's passwd.
    ok(await cli(d, ['cp', 'box:/tmp/links/root/etc/hostname', path.join(f.dir, `${name}-hostname`)]));
    assert.equal(fs.readFileSync(path.join(f.dir, `${name}-hostname`), 'utf8').trim(), ok(await docker(d, ['exec', 'box', 'hostname'])));
  }
  assert.deepEqual(fs.readdirSync(outside), ['secret'], 'nothing was written to the host directory');
});

test('cp racing a container that swaps a directory for a link to the host never reaches the host (CVE-2018-15664)', async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  const outside = path.join(f.dir, 'host-target');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 'host secret\n');
  // /tmp/swap is by turns a directory (with a "secret" of its own), missing, and a link to the host directory's path.
  const swapper = `while :; do mkdir /tmp/swap; echo container > /tmp/swap/secret; rm -r /tmp/swap; ln -s ${outside} /tmp/swap; rm /tmp/swap; done`;
  ok(await docker(d, ['run', '-d', '--name', 'racer', 'busybox', 'sh', '-c', swapper]));
  const payload = await tarOf('pwned', 'written by cp\n');
  const statuses = new Map<string, number>();
  const count = (k: string): void => void statuses.set(k, (statuses.get(k) ?? 0) + 1);
  // A racing container may make a copy fail (404, 500, or a stream cut after its 200 header); that is allowed.
  const settle = (p: Promise<ApiResponse>): Promise<ApiResponse> => p.catch(() => ({ status: -1, body: '' }));
  for (let i = 0; i < 150; i++) {
    const put = await settle(putArchive(d, 'racer', '/tmp/swap', payload));
    count(`put ${put.status}`);
    const get = await settle(api(d, 'GET', '/containers/racer/archive?path=/tmp/swap/secret'));
    count(`get ${get.status}`);
    // A 200 may only ever carry the container's own file.
    if (get.status === 200) assert.ok(!get.body.includes('host secret'), 'the host file was read through the link');
  }
  t.diagnostic(JSON.stringify(Object.fromEntries(statuses)));
  assert.deepEqual(fs.readdirSync(outside), ['secret'], 'nothing was written to the host directory');
  assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'host secret\n');
  assert.ok(statuses.has('put 200'), 'some copies landed in the container\'s directory (the race was real)');
});
