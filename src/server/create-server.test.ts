import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { makeLayer } from '../core/image/testing/fixtures.js';
import { DataRootLayout } from '../core/layout.js';
import { openTestContainers } from '../services/containers/testing/test-engine.js';
import { buildEngineServices } from '../services/engine-services.js';
import { EventBus } from '../services/events/event-bus.js';
import { makeImageDeps } from '../services/images/testing/image-test-deps.js';
import { createEngineServer, listen, stopServer } from './create-server.js';
import { send, TEST_FACTS, unreachable } from './testing/api-harness.js';

test('the whole stack: buildEngineServices behind createEngineServer imports, lists, saves, removes, loads', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-stack-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const { content, snapshots, images } = await makeImageDeps(t);
  const bus = new EventBus();
  const layout = new DataRootLayout(path.join(dir, 'data'));
  const { engine } = await openTestContainers(t, { layout, content, snapshots, images, events: bus });
  const services = buildEngineServices({ content, snapshots, images }, {
    facts: { ...TEST_FACTS, dataRoot: layout.root },
    events: bus,
    containers: engine,
    // This test drives images only.
    streams: unreachable('streams'),
    containerFiles: unreachable('containerFiles'),
  });
  const server = createEngineServer(services, { log: pino({ level: 'silent' }), version: '9.9.9' });
  const sock = path.join(dir, 'wharf.sock');
  await listen(server, `unix://${sock}`);
  t.after(() => stopServer(server, 50));
  const started = Date.now() / 1000;

  const imported = await send(sock, 'POST', '/v1.50/images/create?fromSrc=-&repo=mybase:1&changes=CMD%20%5B%22sh%22%5D', { body: await makeLayer({ 'etc/hello': 'hi\n' }) });
  assert.equal(imported.status, 200);
  const id = (JSON.parse(imported.text) as { status: string }).status;
  assert.match(id, /^sha256:[a-f0-9]{64}$/);
  const list = (await send(sock, 'GET', '/images/json')).json() as { Id: string; RepoTags: string[] }[];
  assert.deepEqual(list.map((i) => [i.Id, i.RepoTags]), [[id, ['mybase:1']]]);
  const inspect = (await send(sock, 'GET', '/images/mybase:1/json')).json() as { Config: { Cmd: string[] }; Comment: string };
  assert.deepEqual(inspect.Config.Cmd, ['sh']);
  const saved = await send(sock, 'GET', '/images/mybase:1/get');
  assert.equal(saved.status, 200);
  assert.ok(saved.body.length > 1024);
  assert.deepEqual((await send(sock, 'DELETE', '/images/mybase:1')).json(), [{ Untagged: 'mybase:1' }, { Deleted: id }]);
  const loaded = await send(sock, 'POST', '/images/load', { body: saved.body, headers: { 'Content-Type': 'application/x-tar' } });
  assert.equal(loaded.text, '{"stream":"Loaded image: mybase:1\\n"}\r\n');
  const info = (await send(sock, 'GET', '/info')).json() as { Images: number; ServerVersion: string };
  assert.deepEqual([info.Images, info.ServerVersion], [1, '0.0.0-test']);
  const events = await send(sock, 'GET', `/events?since=${started.toFixed(3)}&until=${(Date.now() / 1000 + 0.001).toFixed(3)}&filters=${encodeURIComponent('{"type":["image"]}')}`);
  const actions = events.text.trim().split('\n').map((l) => (JSON.parse(l) as { Action: string }).Action);
  assert.deepEqual(actions.filter((a) => a !== 'tag'), ['import', 'save', 'untag', 'delete', 'load']);

  // Containers ride on the same stack: an image in use cannot be removed, /info counts the container.
  const created = await send(sock, 'POST', '/v1.50/containers/create?name=c1', { body: '{"Image":"mybase:1"}', headers: { 'Content-Type': 'application/json' } });
  assert.equal(created.status, 201);
  const cid = (created.json() as { Id: string }).Id;
  const refused = await send(sock, 'DELETE', '/images/mybase:1');
  assert.equal(refused.status, 409);
  assert.match(refused.text, new RegExp(`container ${cid.slice(0, 12)} is using its referenced image`));
  const ps = (await send(sock, 'GET', '/containers/json?all=1')).json() as { Names: string[]; Status: string }[];
  assert.deepEqual(ps.map((c) => [c.Names, c.Status]), [[['/c1'], 'Created']]);
  assert.equal(((await send(sock, 'GET', '/info')).json() as { ContainersStopped: number }).ContainersStopped, 1);
  assert.equal((await send(sock, 'DELETE', '/containers/c1')).status, 204);
});
