import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import { eventually, testEngine, type TestEngine } from '../../services/containers/testing/test-engine.js';
import { Router } from '../router.js';
import { startServer, type TestServer } from '../testing/api-harness.js';
import { addContainerRoutes } from './containers.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

async function serve(t: Parameters<typeof testEngine>[0]): Promise<{ e: TestEngine; api: TestServer }> {
  const e = await testEngine(t);
  const router = new Router();
  addContainerRoutes(router, { containers: e.engine });
  return { e, api: await startServer(t, router) };
}

async function createStarted(api: TestServer, name: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api.request('POST', `/v1.50/containers/create?name=${name}`, { body: JSON.stringify({ Image: 'busybox', ...body }), headers: JSON_HEADERS });
  assert.equal(res.status, 201, res.text);
  const id = (res.json() as { Id: string }).Id;
  assert.equal((await api.request('POST', `/v1.50/containers/${name}/start`)).status, 204);
  return id;
}

test('create, start, list, inspect, stop and remove over the API with Docker\'s statuses', async (t) => {
  const { e, api } = await serve(t);
  const created = await api.request('POST', '/v1.50/containers/create?name=web', { body: '{"Image":"busybox","Cmd":["sleep","1 000"]}', headers: JSON_HEADERS });
  assert.deepEqual(created.json(), { Id: e.store.get('web').id, Warnings: [] });
  const dup = await api.request('POST', '/v1.50/containers/create?name=web', { body: '{"Image":"busybox"}', headers: JSON_HEADERS });
  assert.equal(dup.status, 409);
  assert.equal((await api.request('POST', '/v1.50/containers/create', { body: '{"Image":"nope"}', headers: JSON_HEADERS })).status, 404);
  assert.equal((await api.request('POST', '/v1.50/containers/create', { body: '{"Image":"busybox"}', headers: { 'Content-Type': 'text/plain' } })).status, 400);
  const withBody = await api.request('POST', '/v1.50/containers/web/start', { body: '{"Binds":["/a:/b"]}', headers: JSON_HEADERS });
  assert.equal(withBody.status, 400);
  assert.match(withBody.text, /non-empty request body was deprecated since API v1.22 and removed in v1.24/);
  assert.equal((await api.request('POST', '/v1.50/containers/web/start', { body: '{}', headers: JSON_HEADERS })).status, 204);
  assert.equal((await api.request('POST', '/v1.50/containers/web/start')).status, 304);
  const list = (await api.request('GET', '/v1.50/containers/json')).json() as Array<Record<string, unknown>>;
  assert.equal(list.length, 1);
  assert.deepEqual([list[0]?.['Names'], list[0]?.['State'], list[0]?.['Status'], list[0]?.['Command']], [['/web'], 'running', 'Up Less than a second', "sleep '1 000'"]);
  const inspect = (await api.request('GET', '/v1.50/containers/web/json')).json() as { Name: string; State: { Running: boolean; Pid: number }; Config: { Cmd: string[] }; HostConfig: { RestartPolicy: unknown } };
  assert.equal(inspect.Name, '/web');
  assert.equal(inspect.State.Running, true);
  assert.deepEqual(inspect.Config.Cmd, ['sleep', '1 000']);
  assert.deepEqual(inspect.HostConfig.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
  assert.equal((await api.request('POST', '/v1.50/containers/web/stop?t=1')).status, 204);
  assert.equal((await api.request('POST', '/v1.50/containers/web/stop')).status, 304);
  const kill = await api.request('POST', '/v1.50/containers/web/kill');
  assert.equal(kill.status, 409);
  assert.match(kill.text, /is not running/);
  assert.equal((await api.request('POST', '/v1.50/containers/web/stop?t=x')).status, 400);
  assert.equal((await api.request('DELETE', '/v1.50/containers/web')).status, 204);
  const gone = await api.request('DELETE', '/v1.50/containers/web');
  assert.deepEqual([gone.status, gone.json()], [404, { message: 'No such container: web' }]);
});

test('wait answers its headers at once and its body at the exit', async (t) => {
  const { e, api } = await serve(t);
  const id = await createStarted(api, 'job');
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request({ socketPath: api.socketPath, method: 'POST', path: '/v1.50/containers/job/wait?condition=next-exit' }, (res) => {
      assert.equal(res.statusCode, 200);
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
      // Headers came before the container exited.
      e.runtime.exit(id, 3);
    });
    req.on('error', reject);
    req.end();
  });
  assert.deepEqual(JSON.parse(body), { StatusCode: 3 });
  const bad = await api.request('POST', '/v1.50/containers/job/wait?condition=sometime');
  assert.equal(bad.status, 400);
  assert.equal((await api.request('POST', '/v1.50/containers/nope/wait')).status, 404);
});

async function writeLog(file: string, lines: ReadonlyArray<readonly [string, 'stdout' | 'stderr', string]>): Promise<void> {
  await fs.writeFile(file, lines.map(([ts, stream, text]) => `${ts} ${stream} F ${text}\n`).join(''));
}

test('logs are multiplexed frames without a TTY, raw with one, with tail, streams and timestamps', async (t) => {
  const { e, api } = await serve(t);
  const id = await createStarted(api, 'talk');
  e.runtime.exit(id, 0);
  await eventually('the exit', () => e.store.get(id).state.status === 'exited');
  await writeLog(e.store.get(id).paths.logPath, [
    ['2026-01-01T00:00:01.000000001+00:00', 'stdout', 'one'],
    ['2026-01-01T00:00:02.000000000+00:00', 'stderr', 'two'],
    ['2026-01-01T00:00:03.000000000+00:00', 'stdout', 'three'],
  ]);
  const all = await api.request('GET', '/v1.50/containers/talk/logs?stdout=1&stderr=1');
  assert.equal(all.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  const frame = (type: number, text: string): Buffer => Buffer.concat([Buffer.from([type, 0, 0, 0, 0, 0, 0, text.length]), Buffer.from(text)]);
  assert.deepEqual(all.body, Buffer.concat([frame(1, 'one\n'), frame(2, 'two\n'), frame(1, 'three\n')]));
  const tail = await api.request('GET', '/v1.50/containers/talk/logs?stdout=1&tail=1&timestamps=1');
  assert.deepEqual(tail.body, frame(1, '2026-01-01T00:00:03.000000000Z three\n'));
  const since = await api.request('GET', '/v1.50/containers/talk/logs?stderr=1&since=1767225601.5');
  assert.deepEqual(since.body, frame(2, 'two\n'));
  const none = await api.request('GET', '/v1.50/containers/talk/logs');
  assert.deepEqual([none.status, none.json()], [400, { message: 'Bad parameters: you must choose at least one stream' }]);
  assert.equal((await api.request('GET', '/v1.50/containers/talk/logs?stdout=1&tail=x')).status, 400);
  const ttyId = await createStarted(api, 'tty', { Tty: true });
  await writeLog(e.store.get(ttyId).paths.logPath, [['2026-01-01T00:00:01.000000000+00:00', 'stdout', 'raw']]);
  e.runtime.exit(ttyId, 0);
  await eventually('the exit', () => e.store.get(ttyId).state.status === 'exited');
  const raw = await api.request('GET', '/v1.50/containers/tty/logs?stdout=1');
  assert.deepEqual([raw.headers['content-type'], raw.text], ['application/vnd.docker.raw-stream', 'raw\n']);
});

test('logs follow a running container until it exits', async (t) => {
  const { e, api } = await serve(t);
  const id = await createStarted(api, 'live');
  const file = e.store.get(id).paths.logPath;
  await writeLog(file, [['2026-01-01T00:00:01.000000000+00:00', 'stdout', 'first']]);
  const received = new Promise<string>((resolve, reject) => {
    http.get({ socketPath: api.socketPath, path: '/v1.50/containers/live/logs?stdout=1&follow=1' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.subarray(8).toString();
        if (text === 'first\n') {
          void fs.appendFile(file, '2026-01-01T00:00:02.000000000+00:00 stdout F second\n').then(() => setTimeout(() => e.runtime.exit(id, 0), 100));
        }
      });
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  assert.equal(await received, 'first\nsecond\n');
});

test('rename, pause, update and prune over the API', async (t) => {
  const { api } = await serve(t);
  await createStarted(api, 'a1');
  assert.equal((await api.request('POST', '/v1.50/containers/a1/rename?name=b1')).status, 204);
  assert.equal((await api.request('POST', '/v1.50/containers/b1/pause')).status, 204);
  assert.equal((await api.request('POST', '/v1.50/containers/b1/pause')).status, 409);
  assert.equal((await api.request('POST', '/v1.50/containers/b1/unpause')).status, 204);
  const upd = await api.request('POST', '/v1.50/containers/b1/update', { body: '{"Memory":67108864}', headers: JSON_HEADERS });
  assert.deepEqual([upd.status, upd.json()], [200, { Warnings: [] }]);
  assert.equal((await api.request('POST', '/v1.50/containers/b1/stop?t=0')).status, 204);
  const pruned = await api.request('POST', '/v1.50/containers/prune');
  assert.equal(pruned.status, 200);
  const report = pruned.json() as { ContainersDeleted: string[]; SpaceReclaimed: number };
  assert.equal(report.ContainersDeleted.length, 1);
  assert.deepEqual((await api.request('POST', '/v1.50/containers/prune')).json(), { ContainersDeleted: null, SpaceReclaimed: 0 });
});
