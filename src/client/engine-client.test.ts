import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { WharfError } from '../common/errors.js';
import { startCannedEngine } from './canned-engine.test-support.js';
import { EngineClient } from './engine-client.js';
import { parseHost } from './transport.js';

async function rejection(p: Promise<unknown>): Promise<WharfError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof WharfError, `expected a WharfError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

test('non-2xx answers become WharfErrors: kind from the status, message verbatim', async (t) => {
  const cases: [number, string][] = [
    [400, 'InvalidArgument'], [401, 'Unauthorized'], [403, 'PermissionDenied'], [404, 'NotFound'], [409, 'Conflict'],
    [413, 'TooLarge'], [501, 'NotImplemented'], [503, 'Unavailable'], [500, 'Internal'], [418, 'InvalidArgument'], [502, 'Internal'],
  ];
  const eng = await startCannedEngine(t, cases.map(([status]) => ({ method: 'GET', path: `/images/s${status}/json`, status, json: { message: `  answer ${status}  ` } })));
  const client = new EngineClient({ host: eng.host });
  for (const [status, kind] of cases) {
    const err = await rejection(client.imageInspectRaw(`s${status}`));
    assert.equal(err.kind, kind, `status ${status}`);
    assert.equal(err.code, 'WHARF_DAEMON_ERROR');
    assert.equal(err.message, `answer ${status}`);
  }
});

test('plain-text and empty error bodies are reported too', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'GET', path: '/images/plain/json', status: 500, text: 'boom\n' },
    { method: 'GET', path: '/images/empty/json', status: 404 },
    { method: 'GET', path: '/images/nomsg/json', status: 409, json: { other: 1 } },
  ]);
  const client = new EngineClient({ host: eng.host });
  assert.equal((await rejection(client.imageInspectRaw('plain'))).message, 'boom');
  assert.match((await rejection(client.imageInspectRaw('empty'))).message, /^request returned 404 Not Found for API route and version \/v1\.50\/images\/empty\/json/);
  assert.equal((await rejection(client.imageInspectRaw('nomsg'))).message, 'API returned a 409 but provided no error-message');
});

test('a daemon at 1.50 is called at /v1.50 directly, without a ping', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/version', json: { Version: '1' } }]);
  const client = new EngineClient({ host: eng.host });
  assert.deepEqual(await client.version(), { Version: '1' });
  assert.deepEqual(eng.requests.map((r) => r.url), ['/v1.50/version']);
  assert.equal(eng.requests[0]?.headers.host, 'api.moby.localhost');
  assert.equal(client.apiVersion, '1.50');
});

test('an older daemon refuses 1.50; the client pings once and uses min(daemon, 1.50)', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/info', json: { ID: 'x' } }], { apiVersion: '1.43' });
  const client = new EngineClient({ host: eng.host });
  assert.deepEqual(await client.info(), { ID: 'x' });
  await client.info();
  assert.deepEqual(eng.requests.map((r) => r.url), ['/v1.50/info', '/_ping', '/v1.43/info', '/v1.43/info']);
  assert.equal(client.apiVersion, '1.43');
});

test('a streamed body is only sent after negotiating, since it cannot be replayed', async (t) => {
  const eng = await startCannedEngine(
    t,
    [{ method: 'POST', path: '/images/load', json: { stream: 'Loaded image: busybox:latest\n' } }],
    { apiVersion: '1.45' },
  );
  const client = new EngineClient({ host: eng.host });
  const msgs = [];
  for await (const m of client.imageLoad(Readable.from([Buffer.from('tar-bytes')]))) msgs.push(m);
  assert.deepEqual(msgs, [{ stream: 'Loaded image: busybox:latest\n' }]);
  assert.deepEqual(eng.requests.map((r) => r.url), ['/_ping', '/v1.45/images/load?quiet=0']);
  assert.equal(eng.requests[1]?.body.toString(), 'tar-bytes');
  assert.equal(eng.requests[1]?.headers['content-type'], 'application/x-tar');
});

test('a missing socket is Unavailable with docker wording; onUnavailable may start the daemon and retry once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-client-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'none.sock');
  const err = await rejection(new EngineClient({ host: `unix://${sock}` }).version());
  assert.equal(err.kind, 'Unavailable');
  assert.equal(err.code, 'WHARF_DAEMON_UNAVAILABLE');
  assert.equal(err.message, `Cannot connect to the wharf daemon at unix://${sock}. Is the wharf daemon running?`);

  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/version', json: { Version: 'up' } }]);
  let calls = 0;
  const client = new EngineClient({
    host: `unix://${sock}`,
    onUnavailable: async () => {
      calls++;
      // "Start" a daemon: make the socket path point at the canned engine.
      const { symlinkSync } = await import('node:fs');
      symlinkSync(eng.socketPath, sock);
      return true;
    },
  });
  assert.deepEqual(await client.version(), { Version: 'up' });
  assert.equal(calls, 1);
});

test('a failed onUnavailable start is not retried forever', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-client-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let calls = 0;
  const client = new EngineClient({ host: `unix://${join(dir, 'x.sock')}`, onUnavailable: async () => (calls++, true) });
  await rejection(client.version());
  await rejection(client.version());
  assert.equal(calls, 1);
});

test('image endpoints send docker-shaped paths, queries and bodies', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'POST', path: /\/tag$/, status: 201 },
    { method: 'DELETE', path: /^\/images\//, json: [{ Untagged: 'a:latest' }, { Deleted: 'sha256:1' }] },
    { method: 'GET', path: '/images/json', json: [] },
    { method: 'POST', path: '/images/prune', json: { ImagesDeleted: null, SpaceReclaimed: 0 } },
    { method: 'GET', path: '/images/get', text: Buffer.from('TARDATA'), contentType: 'application/x-tar' },
    { method: 'POST', path: '/images/create', text: '{"status":"sha256:abc"}\r\n', contentType: 'application/json' },
  ]);
  const client = new EngineClient({ host: eng.host });
  await client.imageTag('localhost:5000/a/b:1', 'docker.io/library/busybox', 'v2');
  assert.deepEqual(await client.imageRemove('busybox', { force: true, noPrune: true }), [{ Untagged: 'a:latest' }, { Deleted: 'sha256:1' }]);
  await client.imageList({ all: true, filters: { reference: ['busybox'], dangling: ['true'] } });
  await client.imagePrune({ dangling: ['false'] });
  const tar = await client.imageSave(['busybox', 'alpine:3']);
  const chunks: Buffer[] = [];
  for await (const c of tar) chunks.push(c as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'TARDATA');
  const msgs = [];
  for await (const m of client.imageImport(Readable.from(['rootfs']), { repo: 'mine:1', message: 'hi', changes: ['CMD ["sh"]', 'ENV A=1'] })) msgs.push(m);
  assert.deepEqual(msgs, [{ status: 'sha256:abc' }]);
  const urls = eng.requests.map((r) => r.url);
  assert.equal(urls[0], '/v1.50/images/localhost:5000/a/b:1/tag?repo=docker.io%2Flibrary%2Fbusybox&tag=v2');
  assert.equal(urls[1], '/v1.50/images/busybox?force=1&noprune=1');
  assert.equal(urls[2], `/v1.50/images/json?all=1&filters=${encodeURIComponent('{"reference":["busybox"],"dangling":["true"]}')}`);
  assert.equal(urls[3], `/v1.50/images/prune?filters=${encodeURIComponent('{"dangling":["false"]}')}`);
  assert.equal(urls[4], '/v1.50/images/get?names=busybox&names=alpine%3A3');
  const imp = eng.requests.find((r) => r.path === '/images/create');
  assert.ok(imp);
  assert.deepEqual(imp.query.getAll('changes'), ['CMD ["sh"]', 'ENV A=1']);
  assert.equal(imp.query.get('fromSrc'), '-');
  assert.equal(imp.query.get('repo'), 'mine:1');
  assert.equal(imp.query.get('message'), 'hi');
  assert.equal(imp.body.toString(), 'rootfs');
  assert.equal(imp.headers['content-type'], 'text/plain');
});

test('events yields each JSON object of the stream, however it is chunked', async (t) => {
  const eng = await startCannedEngine(t, [
    {
      method: 'GET',
      path: '/events',
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"Type":"image","Action":"tag","Actor":{"ID":"sha256:1","Attributes":{"name":"a}b"}},"time":1}\n{"Type":"im');
        setTimeout(() => res.end('age","Action":"untag","time":2}{"Type":"image","Action":"delete","time":3}'), 20);
      },
    },
  ]);
  const client = new EngineClient({ host: eng.host });
  const got = [];
  for await (const ev of client.events({ since: '10', until: '20', filters: { type: ['image'] } })) got.push(ev.Action);
  assert.deepEqual(got, ['tag', 'untag', 'delete']);
  assert.equal(eng.requests[0]?.url, `/v1.50/events?since=10&until=20&filters=${encodeURIComponent('{"type":["image"]}')}`);
});

test('parseHost understands unix://, tcp:// and host:port, and refuses other schemes', () => {
  assert.deepEqual(parseHost('unix:///run/x.sock'), { kind: 'unix', socketPath: '/run/x.sock', url: 'unix:///run/x.sock' });
  assert.deepEqual(parseHost('tcp://10.0.0.1:2376'), { kind: 'tcp', hostname: '10.0.0.1', port: 2376, url: 'tcp://10.0.0.1:2376' });
  assert.deepEqual(parseHost('localhost'), { kind: 'tcp', hostname: 'localhost', port: 2375, url: 'tcp://localhost:2375' });
  assert.deepEqual(parseHost('tcp://[::1]:99'), { kind: 'tcp', hostname: '::1', port: 99, url: 'tcp://[::1]:99' });
  assert.throws(() => parseHost('ssh://me@host'), (e: unknown) => e instanceof WharfError && e.kind === 'NotImplemented');
  assert.throws(() => parseHost('unix://relative.sock'), /invalid daemon address/);
  assert.throws(() => parseHost('tcp://host:99999'), /invalid daemon address/);
});
