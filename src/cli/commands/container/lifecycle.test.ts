import test from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { startCannedEngine, type CannedRoute, type RecordedRequest } from '../../../client/canned-engine.test-support.js';
import { runWharf } from '../../cli-harness.test-support.js';
import { forEachContainer } from './parallel-operation.js';
import { PassThrough } from 'node:stream';

/** byName answers POST/DELETE container calls: names starting with "gone" are 404, "busy" 409, others 204. */
function byName(method: string, path: RegExp): CannedRoute {
  return {
    method,
    path,
    handle: (req: RecordedRequest, res: ServerResponse) => {
      const name = req.path.split('/')[2] ?? '';
      const status = name.startsWith('gone') ? 404 : name.startsWith('busy') ? 409 : 204;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 204 ? '' : JSON.stringify({ message: status === 404 ? `No such container: ${name}` : `container ${name} is busy` }));
    },
  };
}

const LIFECYCLE = [
  byName('POST', /^\/containers\/[^/]+\/(stop|restart|kill|pause|unpause)$/),
  byName('DELETE', /^\/containers\/[^/]+$/),
];

test('stop, kill, pause and unpause print each name as given; errors are joined at the end (exit 1)', async (t) => {
  const eng = await startCannedEngine(t, LIFECYCLE);
  for (const verb of ['stop', 'kill', 'pause', 'unpause', 'restart']) {
    const r = await runWharf([verb, 'web', 'gone1', 'db', 'busy'], { host: eng.host });
    assert.equal(r.status, 1, verb);
    assert.equal(r.stdout, 'web\ndb\n', verb);
    assert.equal(r.stderr, 'Error response from daemon: No such container: gone1\nError response from daemon: container busy is busy\n', verb);
    const ok = await runWharf(['container', verb, 'a'], { host: eng.host });
    assert.equal(ok.status, 0);
    assert.equal(ok.stdout, 'a\n');
  }
});

test('stop and restart: -t/--timeout and -s go to the daemon; --time is deprecated; both at once conflict', async (t) => {
  const eng = await startCannedEngine(t, LIFECYCLE);
  await runWharf(['stop', '-t', '3', '-s', 'SIGINT', 'web'], { host: eng.host });
  await runWharf(['stop', '--timeout=0', 'web'], { host: eng.host });
  const dep = await runWharf(['restart', '--time', '7', 'web'], { host: eng.host });
  await runWharf(['kill', '-s', 'HUP', 'web'], { host: eng.host });
  await runWharf(['kill', 'web'], { host: eng.host });
  assert.deepEqual(eng.requests.map((r) => r.url), [
    '/v1.50/containers/web/stop?t=3&signal=SIGINT',
    '/v1.50/containers/web/stop?t=0',
    '/v1.50/containers/web/restart?t=7',
    '/v1.50/containers/web/kill?signal=HUP',
    '/v1.50/containers/web/kill',
  ]);
  assert.equal(dep.stderr, 'Flag --time has been deprecated, use --timeout instead\n');
  const both = await runWharf(['stop', '--time', '1', '-t', '2', 'web'], { host: eng.host });
  assert.equal(both.status, 1);
  assert.equal(both.stderr, 'Flag --time has been deprecated, use --timeout instead\nconflicting options: cannot specify both --timeout and --time\n');
  const bad = await runWharf(['stop', '-t', 'soon', 'web'], { host: eng.host });
  assert.equal(bad.status, 125);
  const none = await runWharf(['stop'], { host: eng.host });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^wharf: 'wharf stop' requires at least 1 argument/);
});

test('rm: -f and -v are sent; with -f a missing container is only reported, so `rm $(ps -aq) -f` works', async (t) => {
  const eng = await startCannedEngine(t, LIFECYCLE);
  const r = await runWharf(['rm', 'web', 'gone', '/db/', '-f', '-v'], { host: eng.host });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'web\n/db/\n');
  assert.equal(r.stderr, 'Error response from daemon: No such container: gone\n');
  assert.deepEqual(eng.requests.map((x) => x.url), [
    '/v1.50/containers/web?v=1&force=1',
    '/v1.50/containers/gone?v=1&force=1',
    '/v1.50/containers/db?v=1&force=1',
  ]);
  const strict = await runWharf(['container', 'remove', 'gone', 'busy', '/'], { host: eng.host });
  assert.equal(strict.status, 1);
  assert.equal(
    strict.stderr,
    'Error response from daemon: No such container: gone\nError response from daemon: container busy is busy\ncontainer name cannot be empty\n',
  );
  const forcedConflict = await runWharf(['rm', '-f', 'busy'], { host: eng.host });
  assert.equal(forcedConflict.status, 1);
});

test('the bulk loop runs containers in parallel but prints results in argument order', async () => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const lines: string[] = [];
  stdout.on('data', (b: Buffer) => lines.push(b.toString()));
  const started: string[] = [];
  const delays: Record<string, number> = { a: 30, b: 1, c: 10 };
  await forEachContainer(['a', 'b', 'c'], { stdout, stderr }, async (n) => {
    started.push(n);
    await new Promise((r) => setTimeout(r, delays[n]));
  });
  assert.deepEqual(started, ['a', 'b', 'c']);
  assert.deepEqual(lines, ['a\n', 'b\n', 'c\n']);
  const seq: string[] = [];
  await forEachContainer(['x', 'y'], { stdout, stderr }, async (n) => {
    seq.push(`start ${n}`);
    await new Promise((r) => setTimeout(r, 5));
    seq.push(`end ${n}`);
  }, { sequential: true });
  assert.deepEqual(seq, ['start x', 'end x', 'start y', 'end y']);
  await assert.rejects(forEachContainer(['e'], { stdout, stderr }, () => {
    throw new Error('sync failure');
  }), /sync failure/);
});

test('wait prints each exit status in turn; rename reports the daemon error then docker\'s summary', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'POST', path: '/containers/a/wait', json: { StatusCode: 0 } },
    { method: 'POST', path: '/containers/b/wait', json: { StatusCode: 137 } },
    { method: 'POST', path: '/containers/gone/wait', status: 404, json: { message: 'No such container: gone' } },
    { method: 'POST', path: '/containers/web/rename', status: 204 },
    { method: 'POST', path: '/containers/old/rename', status: 409, json: { message: 'Conflict. The container name "/x" is already in use' } },
  ]);
  const w = await runWharf(['wait', 'a', 'gone', 'b'], { host: eng.host });
  assert.equal(w.status, 1);
  assert.equal(w.stdout, '0\n137\n');
  assert.equal(w.stderr, 'Error response from daemon: No such container: gone\n');
  const ok = await runWharf(['rename', 'web', ' site '], { host: eng.host });
  assert.equal(ok.status, 0);
  assert.equal(ok.stdout, '');
  assert.equal(eng.requests.at(-1)?.url, '/v1.50/containers/web/rename?name=site');
  const bad = await runWharf(['container', 'rename', 'old', 'x'], { host: eng.host });
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, 'Error response from daemon: Conflict. The container name "/x" is already in use\nError: failed to rename container named old\n');
  const empty = await runWharf(['rename', ' ', 'x'], { host: eng.host });
  assert.equal(empty.stderr, 'Error: Neither old nor new names may be empty\n');
  const one = await runWharf(['rename', 'x'], { host: eng.host });
  assert.match(one.stderr, /requires 2 arguments/);
});

test('update: docker\'s units and body; warnings after the names; no flags is an error', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'POST', path: '/containers/web/update', json: { Warnings: ['Your kernel does not support swap limit capabilities'] } },
    { method: 'POST', path: '/containers/gone/update', status: 404, json: { message: 'No such container: gone' } },
  ]);
  const r = await runWharf(
    ['update', '-m', '64m', '--memory-swap', '-1', '--cpus', '0.5', '-c', '512', '--pids-limit', '50', '--restart', 'on-failure:3', '--blkio-weight', '300', 'web', 'gone'],
    { host: eng.host },
  );
  assert.equal(r.status, 1);
  assert.equal(r.stdout, 'web\nYour kernel does not support swap limit capabilities\n');
  assert.equal(r.stderr, 'Error response from daemon: No such container: gone\n');
  const body = JSON.parse(eng.requests[0]?.body.toString() ?? '') as Record<string, unknown>;
  assert.equal(body.Memory, 64 * 1024 * 1024);
  assert.equal(body.MemorySwap, -1);
  assert.equal(body.NanoCpus, 500_000_000);
  assert.equal(body.CpuShares, 512);
  assert.equal(body.PidsLimit, 50);
  assert.equal(body.BlkioWeight, 300);
  assert.equal(body.MemoryReservation, 0);
  assert.equal(body.Ulimits, null);
  assert.ok(!('KernelMemory' in body));
  assert.deepEqual(body.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  const restartOnly = await runWharf(['update', '--restart', 'always', 'web'], { host: eng.host });
  assert.equal(restartOnly.status, 0);
  const b2 = JSON.parse(eng.requests.at(-1)?.body.toString() ?? '') as Record<string, unknown>;
  assert.equal(b2.PidsLimit, null);
  assert.equal(b2.Memory, 0);
  const none = await runWharf(['update', 'web'], { host: eng.host });
  assert.equal(none.status, 1);
  assert.equal(none.stderr, 'you must provide one or more flags when using this command\n');
});

test('update refuses bad values with pflag\'s and docker\'s wording', async (t) => {
  const eng = await startCannedEngine(t, []);
  const cases: [string[], number, string][] = [
    [['-m', '64x'], 125, 'invalid argument "64x" for "-m, --memory" flag: invalid suffix: \'x\''],
    [['--memory-swap', '-2'], 125, 'invalid argument "-2" for "--memory-swap" flag: invalid size: \'-2\''],
    [['--cpus', 'lots'], 125, 'invalid argument "lots" for "--cpus" flag: failed to parse lots as a rational number'],
    [['--cpus', '0.0000000001'], 125, 'invalid argument "0.0000000001" for "--cpus" flag: value is too precise'],
    [['--blkio-weight', '70000'], 125, 'invalid argument "70000" for "--blkio-weight" flag: strconv.ParseUint: parsing "70000": value out of range'],
    [['--restart', ':3'], 1, 'invalid restart policy format: no policy provided before colon'],
    [['--restart', 'on-failure:x'], 1, 'invalid restart policy format: maximum retry count must be an integer'],
    [['--pids-limit', 'many'], 125, 'invalid argument "many" for "--pids-limit" flag: strconv.ParseInt: parsing "many": invalid syntax'],
  ];
  for (const [flags, status, message] of cases) {
    const r = await runWharf(['update', ...flags, 'web'], { host: eng.host });
    assert.equal(r.status, status, flags.join(' '));
    assert.equal(r.stderr.split('\n')[0], message);
    if (status === 125) assert.match(r.stderr, /\n\nUsage:  wharf update \[OPTIONS\] CONTAINER \[CONTAINER\.\.\.\]\n\nRun 'wharf update --help' for more information\n$/);
  }
  assert.equal(eng.requests.length, 0);
});
