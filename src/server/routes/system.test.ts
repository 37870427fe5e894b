import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { EventBus } from '../../services/events/event-bus.js';
import { makeImageDeps, type TestImageDeps } from '../../services/images/testing/image-test-deps.js';
import { engineRouter } from '../create-server.js';
import { openStream, startServer, testServices, type TestServer } from '../testing/api-harness.js';

async function setup(t: TestContext, bus = new EventBus()): Promise<{ s: TestServer; deps: TestImageDeps; bus: EventBus }> {
  const deps = await makeImageDeps(t, { forward: bus });
  const s = await startServer(t, engineRouter(testServices(deps, bus)));
  return { s, deps, bus };
}

/** lines reads newline-delimited JSON from a response until it ends or `count` lines arrived. */
async function lines(res: IncomingMessage, count = Infinity): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let buf = '';
  for await (const chunk of res) {
    buf += String(chunk);
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      out.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      buf = buf.slice(nl + 1);
      if (out.length >= count) {
        res.destroy();
        return out;
      }
    }
  }
  return out;
}

const secondsFromNow = (ms: number): string => ((Date.now() + ms) / 1000).toFixed(9);
const image = (action: string, name = 'busybox:latest') => ({ type: 'image' as const, action, actor: { id: 'sha256:abc', attributes: { name } } });

test('GET and HEAD /_ping answer OK with dockerd headers', async (t) => {
  const { s } = await setup(t);
  const get = await s.request('GET', '/_ping');
  assert.equal(get.status, 200);
  assert.equal(get.text, 'OK');
  assert.match(String(get.headers['content-type']), /^text\/plain/);
  for (const res of [get, await s.request('HEAD', '/v1.24/_ping')]) {
    assert.equal(res.headers['api-version'], '1.50');
    assert.equal(res.headers['builder-version'], '1');
    assert.equal(res.headers['cache-control'], 'no-cache, no-store, must-revalidate');
    assert.equal(res.headers['pragma'], 'no-cache');
    assert.equal(res.headers['docker-experimental'], 'false');
    assert.equal(res.headers['ostype'], 'linux');
    assert.equal(res.headers['swarm'], 'inactive');
  }
  const head = await s.request('HEAD', '/_ping');
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
});

test('GET /version and /info answer in Docker\'s shape', async (t) => {
  const { s, deps } = await setup(t);
  await deps.seed({ tags: ['busybox'] });
  const v = (await s.request('GET', '/version')).json() as Record<string, unknown>;
  assert.equal(v['ApiVersion'], '1.50');
  assert.equal(v['MinAPIVersion'], '1.24');
  assert.equal(v['Version'], '0.0.0-test');
  assert.equal(v['Os'], 'linux');
  assert.match(String(v['GoVersion']), /^node\d+/);
  assert.deepEqual((v['Components'] as { Name: string }[]).map((c) => c.Name), ['Engine']);
  assert.deepEqual(v['Platform'], { Name: 'wharf' });
  const info = (await s.request('GET', '/info')).json() as Record<string, unknown>;
  assert.equal(info['Images'], 1);
  assert.equal(info['Containers'], 0);
  assert.equal(info['Driver'], 'overlayfs');
  assert.equal(info['Name'], 'testhost');
  assert.equal(info['NCPU'], 4);
  assert.equal(info['DockerRootDir'], '/var/lib/wharf-test');
  assert.equal(info['ServerVersion'], '0.0.0-test');
  assert.equal(info['CgroupVersion'], '2');
  assert.equal(info['DefaultRuntime'], 'runc');
  assert.deepEqual(info['Runtimes'], { runc: { path: 'runc' } });
  assert.equal((info['Swarm'] as Record<string, unknown>)['LocalNodeState'], 'inactive');
  assert.match(String(info['ID']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(info['BridgeNfIptables'], undefined);
  assert.equal(((await s.request('GET', '/v1.49/info')).json() as Record<string, unknown>)['BridgeNfIptables'], false);
});

test('GET /system/df reports images with shared sizes and container counts, and the type selector', async (t) => {
  const { s, deps } = await setup(t);
  await deps.seed({ tags: ['a:1'], layers: [{ x: '1234' }] });
  await deps.seed({ tags: ['b:1'], layers: [{ x: '1234' }, { y: '56' }] });
  const df = (await s.request('GET', '/system/df')).json() as Record<string, unknown>;
  assert.deepEqual(Object.keys(df).sort(), ['BuildCache', 'Containers', 'Images', 'LayersSize', 'Volumes']);
  assert.equal(df['LayersSize'], 6);
  const images = df['Images'] as Record<string, unknown>[];
  assert.deepEqual(images.map((i) => i['SharedSize']), [4, 4]);
  assert.deepEqual(images.map((i) => i['Containers']), [0, 0]);
  const onlyImages = (await s.request('GET', '/system/df?type=image')).json() as Record<string, unknown>;
  assert.deepEqual(Object.keys(onlyImages).sort(), ['Images', 'LayersSize']);
  const bad = await s.request('GET', '/system/df?type=bogus');
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), { message: 'unknown object type: bogus' });
});

test('GET /events streams live events through type and event filters, in Docker\'s wire shape', async (t) => {
  const { s, bus } = await setup(t);
  const filters = encodeURIComponent(JSON.stringify({ type: ['image'], event: ['tag', 'delete'] }));
  const res = await openStream(s.socketPath, `/events?filters=${filters}`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  const got = lines(res, 2);
  await new Promise((r) => setTimeout(r, 20));
  bus.publish(image('untag'));
  bus.publish({ type: 'container', action: 'tag', actor: { id: 'c1', attributes: {} } });
  bus.publish(image('tag'));
  bus.publish(image('delete'));
  const events = await got;
  assert.deepEqual(events.map((e) => e['Action']), ['tag', 'delete']);
  const e = events[0] as Record<string, unknown>;
  assert.deepEqual(Object.keys(e), ['status', 'id', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
  assert.equal(e['status'], 'tag');
  assert.equal(e['id'], 'sha256:abc');
  assert.deepEqual(e['Actor'], { ID: 'sha256:abc', Attributes: { name: 'busybox:latest' } });
  assert.equal(e['scope'], 'local');
  assert.equal(e['time'], Math.floor(Number(e['timeNano']) / 1e9));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(bus.listenerCount, 0, 'the subscription ends with the client');
});

test('GET /events replays history with since, ends at a past until, and ends by itself at a future until', async (t) => {
  let now = BigInt(Date.now()) * 1_000_000n;
  const { s, bus } = await setup(t, new EventBus({ clock: () => (now += 1000n) }));
  bus.publish(image('tag', 'a:1'));
  bus.publish(image('untag', 'b:1'));
  await new Promise((r) => setTimeout(r, 5));
  const past = await s.request('GET', `/events?since=0&until=${secondsFromNow(0)}&filters=${encodeURIComponent('{"image":["b"]}')}`);
  assert.deepEqual(past.text.trim().split('\n').map((l) => (JSON.parse(l) as { Action: string }).Action), ['untag']);
  const started = Date.now();
  const res = await openStream(s.socketPath, `/events?until=${secondsFromNow(300)}`);
  const all = lines(res);
  await new Promise((r) => setTimeout(r, 50));
  bus.publish(image('delete', 'c:1'));
  const events = await all;
  assert.deepEqual(events.map((e) => e['Action']), ['tag', 'untag', 'delete']);
  assert.ok(Date.now() - started >= 250, 'the stream ended at until, not before');
});

test('GET /events refuses bad since/until and unknown filters', async (t) => {
  const { s } = await setup(t);
  const bad = await s.request('GET', '/events?since=yesterday');
  assert.equal(bad.status, 400);
  assert.match((bad.json() as { message: string }).message, /^invalid value for 'since'/);
  const reversed = await s.request('GET', '/events?since=20&until=10');
  assert.equal(reversed.status, 400);
  assert.deepEqual(reversed.json(), { message: '`since` time (20) cannot be after `until` time (10)' });
  const filter = await s.request('GET', `/events?filters=${encodeURIComponent('{"colour":["red"]}')}`);
  assert.deepEqual(filter.json(), { message: "invalid filter 'colour'" });
});

test('GET /events hides image create events from clients before API 1.46', async (t) => {
  const { s, bus } = await setup(t);
  bus.publish(image('create'));
  bus.publish(image('tag'));
  // Events are stamped with sub-millisecond precision; let the clock pass them before `until` is taken.
  await new Promise((r) => setTimeout(r, 5));
  const url = (v: string): string => `/v${v}/events?since=0&until=${secondsFromNow(0)}`;
  const actions = async (v: string): Promise<string[]> =>
    (await s.request('GET', url(v))).text.trim().split('\n').map((l) => (JSON.parse(l) as { Action: string }).Action);
  assert.deepEqual(await actions('1.45'), ['tag']);
  assert.deepEqual(await actions('1.46'), ['create', 'tag']);
});
