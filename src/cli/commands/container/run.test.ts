import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { runWharf } from '../../cli-harness.test-support.js';
import { startFakeEngine } from '../../terminal/fake-engine.test-support.js';

const RUN_USAGE = "\n\nUsage:  wharf run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'wharf run --help' for more information\n";

test('run attaches before it starts, and prints the container\'s output', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['run', '--rm', 'busybox', 'echo', 'hello', 'world!'], { host: e.host });
  assert.deepEqual([r.status, r.stdout, r.stderr], [0, 'hello world!\n', '']);
  assert.deepEqual(e.paths(), ['POST /containers/create', 'POST /containers/{id}/attach', 'POST /containers/{id}/wait', 'POST /containers/{id}/start']);
  const attach = e.calls[1];
  assert.equal(attach?.query.toString(), 'stream=1&stdout=1&stderr=1');
  assert.equal(e.calls[2]?.query.get('condition'), 'removed');
});

test('without --rm the wait is for the next exit', async (t) => {
  const e = await startFakeEngine(t);
  await runWharf(['run', 'busybox', 'echo'], { host: e.host });
  assert.equal(e.calls.find((c) => c.path.endsWith('/wait'))?.query.get('condition'), 'next-exit');
});

test('stdout and stderr stay apart without a TTY', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['run', 'busybox', 'both'], { host: e.host });
  assert.deepEqual([r.stdout, r.stderr], ['to stdout\n', 'to stderr\n']);
});

test('-i pipes stdin and closes it at EOF (echo data | wharf run -i --rm busybox wc -c)', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['run', '-i', '--rm', 'busybox', 'wc', '-c'], { host: e.host, stdin: 'data\n' });
  assert.deepEqual([r.status, r.stdout], [0, '5\n']);
  assert.equal(e.calls[1]?.query.toString(), 'stream=1&stdin=1&stdout=1&stderr=1');
});

test('the container\'s exit code is the exit status', async (t) => {
  const e = await startFakeEngine(t);
  assert.equal((await runWharf(['run', 'busybox', 'exit', '3'], { host: e.host })).status, 3);
});

test('a command that is not found exits 127, one that cannot be invoked 126, with docker\'s message', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['run', 'busybox', 'nonexist'], { host: e.host });
  assert.equal(r.status, 127);
  assert.equal(r.stderr, "wharf: Error response from daemon: failed to create task: exec: \"nonexist\": executable file not found in $PATH: unknown\n\nRun 'wharf run --help' for more information\n");
  assert.equal((await runWharf(['run', 'busybox', 'noperm'], { host: e.host })).status, 126);
});

test('-d prints the ID and does not attach', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['run', '-d', 'busybox', 'sleep'], { host: e.host });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^[0-9a-f]{2}c{62}\n$/);
  assert.deepEqual(e.paths(), ['POST /containers/create', 'POST /containers/{id}/start']);
  const body = JSON.parse(e.calls[0]?.body ?? '{}') as Record<string, unknown>;
  assert.deepEqual([body.AttachStdout, body.AttachStderr, body.AttachStdin], [false, false, false]);
});

test('--cidfile gets the ID; an existing one is refused before anything is created', async (t) => {
  const e = await startFakeEngine(t);
  const dir = mkdtempSync(join(tmpdir(), 'wharf-cid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cid = join(dir, 'id');
  const r = await runWharf(['run', '-d', '--cidfile', cid, 'busybox', 'sleep'], { host: e.host });
  assert.equal(readFileSync(cid, 'utf8'), r.stdout.trim());
  const again = await runWharf(['run', '--cidfile', cid, 'busybox', 'echo'], { host: e.host });
  assert.equal(again.status, 125);
  assert.match(again.stderr, /container ID file found, make sure the other container isn't running or delete /);
});

test('a failed create removes the --cidfile it reserved', async (t) => {
  const e = await startFakeEngine(t);
  const dir = mkdtempSync(join(tmpdir(), 'wharf-cid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cid = join(dir, 'id');
  await runWharf(['run', '--pull', 'never', '--cidfile', cid, 'missing'], { host: e.host });
  assert.equal(existsSync(cid), false);
});

test('an unknown image: "Unable to find image", then the pull error, exit 125', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['run', 'missing'], { host: e.host });
  assert.equal(r.status, 125);
  assert.equal(r.stderr, "Unable to find image 'missing:latest' locally\nwharf: Error response from daemon: pulling images is not supported yet (fromImage=missing)\n\nRun 'wharf run --help' for more information\n");
  const pull = e.calls.find((c) => c.path === '/images/create');
  assert.equal(pull?.query.toString(), 'fromImage=docker.io%2Flibrary%2Fmissing&tag=latest');
});

test('--pull never reports the missing image without trying to pull', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['run', '--pull', 'never', 'missing'], { host: e.host });
  assert.equal(r.status, 125);
  assert.equal(r.stderr, "wharf: Error response from daemon: No such image: missing:latest\n\nRun 'wharf run --help' for more information\n");
  assert.equal(e.calls.some((c) => c.path === '/images/create'), false);
});

test('bad flag values exit 125 with docker\'s flag error and usage', async (t) => {
  const e = await startFakeEngine(t);
  const cases: [string[], string][] = [
    [['-m', 'x'], `invalid argument "x" for "-m, --memory" flag: invalid size: 'x'`],
    [['--cpus', 'x'], 'invalid argument "x" for "--cpus" flag: failed to parse x as a rational number'],
    [['-e', ''], 'invalid argument "" for "-e, --env" flag: invalid environment variable: '],
    [['--ulimit', 'foo'], 'invalid argument "foo" for "--ulimit" flag: invalid ulimit argument: foo'],
  ];
  for (const [flags, msg] of cases) {
    const r = await runWharf(['run', ...flags, 'busybox'], { host: e.host });
    assert.deepEqual([r.status, r.stderr], [125, msg + RUN_USAGE], flags.join(' '));
  }
  assert.equal(e.calls.length, 0);
});

test('bad combinations exit 125 with "wharf: ..." and the help hint', async (t) => {
  const e = await startFakeEngine(t);
  const cases: [string[], string][] = [
    [['--restart', 'always', '--rm'], 'conflicting options: cannot specify both --restart and --rm'],
    [['-v', ''], 'invalid empty volume spec'],
    [['--pull', 'sometimes'], `invalid pull option: 'sometimes': must be one of "always", "missing" or "never"`],
  ];
  for (const [flags, msg] of cases) {
    const r = await runWharf(['run', ...flags, 'busybox'], { host: e.host });
    assert.deepEqual([r.status, r.stderr], [125, `wharf: ${msg}\n\nRun 'wharf run --help' for more information\n`], flags.join(' '));
  }
  const detachAttach = await runWharf(['run', '-d', '-a', 'stdout', 'busybox'], { host: e.host });
  assert.deepEqual([detachAttach.status, detachAttach.stderr], [1, 'conflicting options: cannot specify both --attach and --detach\n']);
  const notTty = await runWharf(['run', '-it', 'busybox'], { host: e.host });
  assert.deepEqual([notTty.status, notTty.stderr], [1, 'the input device is not a TTY\n']);
});

test('-d with --rm is allowed (modern docker)', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['run', '-d', '--rm', 'busybox', 'sleep'], { host: e.host });
  assert.equal(r.status, 0);
  assert.equal((JSON.parse(e.calls[0]?.body ?? '{}') as { HostConfig: { AutoRemove: boolean } }).HostConfig.AutoRemove, true);
});

test('create prints the ID, passes --name and prints the daemon\'s warnings', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['create', '--name', 'warn', 'busybox', 'echo'], { host: e.host });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^[0-9a-f]{2}c{62}\n$/);
  assert.equal(r.stderr, 'WARNING: a warning\n');
  assert.equal(e.calls[0]?.query.get('name'), 'warn');
});

test('create: a daemon error exits 1, a flag error 125', async (t) => {
  const e = await startFakeEngine(t);
  const missing = await runWharf(['container', 'create', '--pull', 'never', 'missing'], { host: e.host });
  assert.deepEqual([missing.status, missing.stderr], [1, 'Error response from daemon: No such image: missing:latest\n']);
  const bad = await runWharf(['container', 'create', '-m', '1q', 'busybox'], { host: e.host });
  assert.equal(bad.status, 125);
  assert.equal(bad.stderr, `invalid argument "1q" for "-m, --memory" flag: invalid suffix: 'q'\n\nUsage:  wharf container create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'wharf container create --help' for more information\n`);
});

test('--env-file is read on the client', async (t) => {
  const e = await startFakeEngine(t);
  const dir = mkdtempSync(join(tmpdir(), 'wharf-envfile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'env'), 'A=1\n# c\nB\n');
  await runWharf(['create', '--env-file', join(dir, 'env'), '-e', 'C=3', 'busybox'], { host: e.host, env: { B: 'two' } });
  assert.deepEqual((JSON.parse(e.calls[0]?.body ?? '{}') as { Env: string[] }).Env, ['A=1', 'B=two', 'C=3']);
});

test('flags after the image are the command\'s (no interspersed flags)', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['run', 'busybox', 'echo', '-m', 'x'], { host: e.host });
  assert.deepEqual([r.status, r.stdout], [0, '-m x\n']);
});

test('--sig-proxy forwards signals as kill requests while attached', async (t) => {
  const e = await startFakeEngine(t);
  const stdin = new PassThrough();
  const running = runWharf(['run', '-i', 'busybox', 'sleep'], { host: e.host, stdin });
  for (let i = 0; i < 100 && !e.calls.some((c) => c.path.endsWith('/start')); i++) await new Promise((r) => setTimeout(r, 10));
  process.emit('SIGINT', 'SIGINT');
  const r = await running;
  assert.equal(r.status, 130);
  assert.equal(e.calls.find((c) => c.path.endsWith('/kill'))?.query.get('signal'), 'INT');
  assert.equal(process.listenerCount('SIGINT'), 0, 'the proxy is removed when the run ends');
});
