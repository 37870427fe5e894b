import test from 'node:test';
import assert from 'node:assert/strict';
import { conflict, internal, invalidArgument, noSuchImage, WharfError, ERROR_KINDS } from '../common/errors.js';
import { readJsonBody } from './body.js';
import { statusOf } from './http-error.js';
import { boolParam, boolParamOr, filtersParam, intParam } from './query.js';
import { sendJson } from './respond.js';
import { Router } from './router.js';
import { startServer } from './testing/api-harness.js';

/** testRouter serves a few routes that echo what the server's helpers parse. */
function testRouter(): Router {
  return new Router()
    .add('GET', '/_ping', async (ctx) => sendJson(ctx.res, 200, { apiVersion: ctx.apiVersion }))
    .add('GET', '/things/{name:.*}/json', async (ctx) => sendJson(ctx.res, 200, { name: ctx.params['name'] }))
    .add('GET', '/bool', async (ctx) => sendJson(ctx.res, 200, { v: boolParam(ctx.query, 'v'), d: boolParamOr(ctx.query, 'd', true) }))
    .add('GET', '/int', async (ctx) => sendJson(ctx.res, 200, { n: intParam(ctx.query, 'n', 7) }))
    .add('GET', '/filters', async (ctx) => {
      const f = filtersParam(ctx.query);
      f.validate(['dangling', 'label']);
      sendJson(ctx.res, 200, { dangling: f.get('dangling'), label: f.get('label') });
    })
    .add('POST', '/json', async (ctx) => sendJson(ctx.res, 200, { got: (await readJsonBody(ctx.req, 1024)) ?? null }))
    .add('GET', '/fail/{kind}', async (ctx) => {
      const kind = ctx.params['kind'];
      if (kind === 'conflict') throw conflict('WHARF_TEST', 'conflict: busy');
      if (kind === 'notfound') throw noSuchImage('x');
      if (kind === 'bad') throw invalidArgument('WHARF_TEST', 'bad thing');
      if (kind === 'plain') throw new Error('boom');
      throw internal('WHARF_TEST', 'inside');
    });
}

test('statusOf maps every error kind as moby httpstatus does', () => {
  const want: Record<string, number> = {
    NotFound: 404, InvalidArgument: 400, FailedPrecondition: 400, Conflict: 409, AlreadyExists: 409, Unauthorized: 401,
    PermissionDenied: 403, Unavailable: 503, NotModified: 304, NotImplemented: 501, TooLarge: 413, Canceled: 500, Internal: 500,
  };
  for (const kind of ERROR_KINDS) assert.equal(statusOf(kind), want[kind], kind);
});

test('every route answers bare and under /v1.24 to /v1.50, with the version available to the handler', async (t) => {
  const s = await startServer(t, testRouter());
  for (const [p, v] of [['/_ping', '1.50'], ['/v1.24/_ping', '1.24'], ['/v1.50/_ping', '1.50'], ['/v1.41/_ping', '1.41']]) {
    const res = await s.request('GET', p as string);
    assert.equal(res.status, 200, p);
    assert.deepEqual(res.json(), { apiVersion: v });
  }
  const named = await s.request('GET', '/v1.44/things/myorg/tools:1.0/json');
  assert.deepEqual(named.json(), { name: 'myorg/tools:1.0' });
  assert.deepEqual((await s.request('GET', '/things/a%2Fb/json')).json(), { name: 'a/b' });
});

test('versions outside 1.24..1.50 are refused in dockerd words; too-old ones in plain text', async (t) => {
  const s = await startServer(t, testRouter());
  const tooNew = await s.request('GET', '/v1.51/_ping');
  assert.equal(tooNew.status, 400);
  assert.match(String(tooNew.headers['content-type']), /^application\/json/);
  assert.deepEqual(tooNew.json(), { message: 'client version 1.51 is too new. Maximum supported API version is 1.50' });
  const tooOld = await s.request('GET', '/v1.23/_ping');
  assert.equal(tooOld.status, 400);
  assert.match(String(tooOld.headers['content-type']), /^text\/plain/);
  assert.equal(tooOld.text, 'client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version\n');
  assert.equal((await s.request('GET', '/v1.9/_ping')).status, 400);
  assert.equal((await s.request('GET', '/v2.0/_ping')).status, 400);
});

test('unknown paths and wrong methods are 404 page not found, with dockerd headers', async (t) => {
  const s = await startServer(t, testRouter());
  for (const [m, p] of [['GET', '/nothing'], ['POST', '/_ping'], ['DELETE', '/v1.50/_ping'], ['GET', '/vabc/_ping'], ['GET', '/v1.99/nothing']]) {
    const res = await s.request(m as string, p as string);
    assert.equal(res.status, 404, `${m} ${p}`);
    assert.deepEqual(res.json(), { message: 'page not found' });
    assert.equal(res.headers['api-version'], '1.50');
    assert.equal(res.headers['docker-experimental'], 'false');
    assert.equal(res.headers['ostype'], 'linux');
    assert.equal(res.headers['server'], 'wharf/0.0.0-test');
  }
  assert.equal((await s.request('GET', '/things/%E0%A4%A/json')).status, 400);
});

test('errors go out as {"message"} with the status of their kind', async (t) => {
  const s = await startServer(t, testRouter());
  const cases: [string, number, string][] = [
    ['conflict', 409, 'conflict: busy'],
    ['notfound', 404, 'No such image: x'],
    ['bad', 400, 'bad thing'],
    ['internal', 500, 'inside'],
    ['plain', 500, 'boom'],
  ];
  for (const [kind, status, message] of cases) {
    const res = await s.request('GET', `/fail/${kind}`);
    assert.equal(res.status, status, kind);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(res.json(), { message });
    assert.equal(res.text.endsWith('}\n'), true);
  }
});

test("boolean parameters follow dockerd: '', 0, no, false, none (any case) are false", async (t) => {
  const s = await startServer(t, testRouter());
  const v = async (q: string): Promise<unknown> => (await s.request('GET', `/bool?${q}`)).json();
  for (const f of ['v=', 'v=0', 'v=no', 'v=false', 'v=False', 'v=FALSE', 'v=none', 'v=%20No%20', '']) assert.deepEqual(await v(f), { v: false, d: true }, f);
  for (const tr of ['v=1', 'v=true', 'v=True', 'v=yes', 'v=anything']) assert.deepEqual(await v(tr), { v: true, d: true }, tr);
  assert.deepEqual(await v('d=0'), { v: false, d: false });
  assert.deepEqual(await v('d='), { v: false, d: false });
});

test('integer parameters: absent is the default, garbage is 400', async (t) => {
  const s = await startServer(t, testRouter());
  assert.deepEqual((await s.request('GET', '/int')).json(), { n: 7 });
  assert.deepEqual((await s.request('GET', '/int?n=-3')).json(), { n: -3 });
  for (const bad of ['abc', '1.5', '1e3', '99999999999999999999']) {
    const res = await s.request('GET', `/int?n=${bad}`);
    assert.equal(res.status, 400, bad);
    assert.match((res.json() as { message: string }).message, /invalid value for 'n'/);
  }
});

test('filters arrive in both JSON forms; unknown keys and malformed JSON are 400 invalid filter', async (t) => {
  const s = await startServer(t, testRouter());
  const q = (f: string): string => `/filters?filters=${encodeURIComponent(f)}`;
  assert.deepEqual((await s.request('GET', q('{"dangling":{"true":true}}'))).json(), { dangling: ['true'], label: [] });
  assert.deepEqual((await s.request('GET', q('{"dangling":["true"],"label":["a=b"]}'))).json(), { dangling: ['true'], label: ['a=b'] });
  const unknown = await s.request('GET', q('{"colour":["red"]}'));
  assert.equal(unknown.status, 400);
  assert.deepEqual(unknown.json(), { message: "invalid filter 'colour'" });
  const broken = await s.request('GET', q('{"dangling":'));
  assert.equal(broken.status, 400);
  assert.deepEqual(broken.json(), { message: 'invalid filter' });
});

test('JSON bodies: parsed, empty allowed, malformed 400, wrong type 400, too large 413 before it is read', async (t) => {
  const s = await startServer(t, testRouter());
  const json = { 'Content-Type': 'application/json' };
  assert.deepEqual((await s.request('POST', '/json', { body: '{"a":1}', headers: json })).json(), { got: { a: 1 } });
  assert.deepEqual((await s.request('POST', '/json')).json(), { got: null });
  const malformed = await s.request('POST', '/json', { body: '{"a":', headers: json });
  assert.equal(malformed.status, 400);
  assert.match((malformed.json() as { message: string }).message, /^invalid JSON: /);
  const wrongType = await s.request('POST', '/json', { body: 'a=1', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(wrongType.status, 400);
  assert.deepEqual(wrongType.json(), { message: "unsupported Content-Type header (text/plain): must be 'application/json'" });
  const announced = await s.request('POST', '/json', { body: 'x'.repeat(2000), headers: json });
  assert.equal(announced.status, 413);
  assert.deepEqual(announced.json(), { message: 'request body is larger than the 1024 byte limit' });
  assert.equal(announced.headers['connection'], 'close');
  // A chunked body without Content-Length is cut off as soon as it passes the limit.
  const { Readable } = await import('node:stream');
  const chunked = await s.request('POST', '/json', { body: Readable.from(['{"a":"', 'y'.repeat(800), 'y'.repeat(800), '"}']), headers: json });
  assert.equal(chunked.status, 413);
});

test('a handler error after the response started cuts the connection instead of sending a second status', async (t) => {
  const router = new Router().add('GET', '/half', async (ctx) => {
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    ctx.res.write('partial');
    throw new WharfError('Internal', 'WHARF_TEST', 'late failure');
  });
  const s = await startServer(t, router);
  await assert.rejects(s.request('GET', '/half'), /aborted|ECONNRESET|socket hang up/);
});
