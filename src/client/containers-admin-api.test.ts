import test from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { WharfError } from '../common/errors.js';
import { startCannedEngine } from './canned-engine.test-support.js';
import {
  GO_MODE_DIR,
  GO_MODE_SYMLINK,
  containerArchiveGet,
  containerArchivePut,
  containerChanges,
  containerCommit,
  containerExport,
  containerInspectRaw,
  containerKill,
  containerList,
  containerPause,
  containerPrune,
  containerRemove,
  containerRename,
  containerRestart,
  containerStatPath,
  containerStats,
  containerStop,
  containerTop,
  containerUnpause,
  containerUpdate,
  containerWait,
  decodePathStat,
  hasModeBit,
} from './containers-admin-api.js';
import { EngineClient } from './engine-client.js';

const STAT = { name: 'www', size: 4096, mode: GO_MODE_DIR + 0o755, mtime: '2024-05-01T10:00:00Z', linkTarget: '' };
const STAT_HEADER = Buffer.from(JSON.stringify(STAT)).toString('base64');

async function rejection(p: Promise<unknown>): Promise<WharfError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof WharfError, `expected a WharfError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

test('list, inspect and the lifecycle calls send docker\'s methods, paths and query values', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'GET', path: '/containers/json', json: [{ Id: 'abc' }] },
    { method: 'GET', path: '/containers/web/json', text: '{"Id":"abc"}', contentType: 'application/json' },
    { method: 'POST', path: /^\/containers\/web\/(stop|restart|kill|pause|unpause|rename)$/, status: 204 },
    { method: 'DELETE', path: '/containers/web', status: 204 },
  ]);
  const c = new EngineClient({ host: eng.host });
  assert.deepEqual(await containerList(c, { all: true, limit: 3, size: true, filters: { status: ['exited'] } }), [{ Id: 'abc' }]);
  await containerList(c, { limit: -1 });
  assert.equal(await containerInspectRaw(c, ' web ', { size: true }), '{"Id":"abc"}');
  await containerStop(c, 'web', { timeout: 0, signal: 'SIGINT' });
  await containerStop(c, 'web');
  await containerRestart(c, 'web', { timeout: 5 });
  await containerKill(c, 'web', 'HUP');
  await containerKill(c, 'web');
  await containerPause(c, 'web');
  await containerUnpause(c, 'web');
  await containerRename(c, 'web', 'site');
  await containerRemove(c, 'web', { force: true, volumes: true, link: true });
  await containerRemove(c, 'web');
  assert.deepEqual(
    eng.requests.map((r) => `${r.method} ${r.url}`),
    [
      'GET /v1.50/containers/json?all=1&limit=3&size=1&filters=%7B%22status%22%3A%5B%22exited%22%5D%7D',
      'GET /v1.50/containers/json',
      'GET /v1.50/containers/web/json?size=1',
      'POST /v1.50/containers/web/stop?t=0&signal=SIGINT',
      'POST /v1.50/containers/web/stop',
      'POST /v1.50/containers/web/restart?t=5',
      'POST /v1.50/containers/web/kill?signal=HUP',
      'POST /v1.50/containers/web/kill',
      'POST /v1.50/containers/web/pause',
      'POST /v1.50/containers/web/unpause',
      'POST /v1.50/containers/web/rename?name=site',
      'DELETE /v1.50/containers/web?v=1&link=1&force=1',
      'DELETE /v1.50/containers/web',
    ],
  );
});

test('an empty or blank container name is refused before any request, with docker\'s wording', async (t) => {
  const eng = await startCannedEngine(t, []);
  const c = new EngineClient({ host: eng.host });
  for (const p of [containerStop(c, ''), containerInspectRaw(c, '  '), containerCommit(c, ' ')]) {
    const err = await rejection(p);
    assert.equal(err.code, 'WHARF_EMPTY_CONTAINER_ID');
    assert.equal(err.message, 'invalid container name or ID: value is empty');
  }
  assert.equal(eng.requests.length, 0);
});

test('daemon errors keep their kind and message; a 304 from stop is success', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'POST', path: '/containers/gone/stop', status: 404, json: { message: 'No such container: gone' } },
    { method: 'POST', path: '/containers/idle/stop', status: 304 },
    { method: 'DELETE', path: '/containers/busy', status: 409, json: { message: 'cannot remove container "/busy": container is running' } },
  ]);
  const c = new EngineClient({ host: eng.host });
  const gone = await rejection(containerStop(c, 'gone'));
  assert.equal(gone.kind, 'NotFound');
  assert.equal(gone.message, 'No such container: gone');
  await containerStop(c, 'idle');
  assert.equal((await rejection(containerRemove(c, 'busy'))).kind, 'Conflict');
});

test('wait returns the exit status; a body that is not JSON becomes the error message', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'POST', path: '/containers/a/wait', json: { StatusCode: 3, Error: null } },
    { method: 'POST', path: '/containers/b/wait', text: 'something broke' },
  ]);
  const c = new EngineClient({ host: eng.host });
  assert.equal((await containerWait(c, 'a', { condition: 'next-exit' })).StatusCode, 3);
  assert.equal(eng.requests[0]?.url, '/v1.50/containers/a/wait?condition=next-exit');
  assert.equal((await rejection(containerWait(c, 'b'))).message, 'something broke');
});

test('top, update, changes, commit, export and prune', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'GET', path: '/containers/web/top', json: { Titles: ['PID'], Processes: [['1']] } },
    { method: 'POST', path: '/containers/web/update', json: { Warnings: ['w1'] } },
    { method: 'POST', path: '/containers/quiet/update', json: { Warnings: null } },
    { method: 'GET', path: '/containers/web/changes', json: [{ Path: '/tmp', Kind: 0 }] },
    { method: 'GET', path: '/containers/new/changes', json: null },
    { method: 'POST', path: '/commit', json: { Id: 'sha256:abc' } },
    { method: 'GET', path: '/containers/web/export', text: 'TARBYTES', contentType: 'application/x-tar' },
    { method: 'POST', path: '/containers/prune', json: { ContainersDeleted: ['a'], SpaceReclaimed: 5 } },
  ]);
  const c = new EngineClient({ host: eng.host });
  assert.deepEqual(await containerTop(c, 'web', ['-o', 'pid']), { Titles: ['PID'], Processes: [['1']] });
  assert.equal(eng.requests.at(-1)?.url, '/v1.50/containers/web/top?ps_args=-o+pid');
  assert.deepEqual(await containerUpdate(c, 'web', { Memory: 1024 }), ['w1']);
  assert.equal(eng.requests.at(-1)?.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(eng.requests.at(-1)?.body.toString() ?? ''), { Memory: 1024 });
  assert.deepEqual(await containerUpdate(c, 'quiet', {}), []);
  assert.deepEqual(await containerChanges(c, 'web'), [{ Path: '/tmp', Kind: 0 }]);
  assert.deepEqual(await containerChanges(c, 'new'), []);
  assert.equal(await containerCommit(c, 'web', { repo: 'docker.io/library/x', tag: 'v1', comment: 'm', author: 'a', changes: ['CMD ["sh"]', 'ENV A=1'], pause: false }), 'sha256:abc');
  const q = eng.requests.at(-1)?.query;
  assert.deepEqual([...(q?.entries() ?? [])], [
    ['container', 'web'], ['repo', 'docker.io/library/x'], ['tag', 'v1'], ['comment', 'm'], ['author', 'a'],
    ['changes', 'CMD ["sh"]'], ['changes', 'ENV A=1'], ['pause', '0'],
  ]);
  await containerCommit(c, 'web');
  assert.equal(eng.requests.at(-1)?.url, '/v1.50/commit?container=web&repo=&tag=&comment=&author=');
  const chunks: Buffer[] = [];
  for await (const b of await containerExport(c, 'web')) chunks.push(b as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'TARBYTES');
  assert.deepEqual(await containerPrune(c, { until: ['1h'] }), { ContainersDeleted: ['a'], SpaceReclaimed: 5 });
  assert.equal(eng.requests.at(-1)?.query.get('filters'), '{"until":["1h"]}');
});

test('stats yields each JSON sample of the stream; one sample with stream=0', async (t) => {
  const eng = await startCannedEngine(t, [
    {
      method: 'GET',
      path: '/containers/web/stats',
      handle: (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(req.query.get('stream') === '1' ? '{"id":"a"}\n{"id":"b"}\n' : '{"id":"one"}\n');
      },
    },
  ]);
  const c = new EngineClient({ host: eng.host });
  const ids: (string | null | undefined)[] = [];
  for await (const s of containerStats(c, 'web', { stream: true })) ids.push(s.id);
  for await (const s of containerStats(c, 'web', { stream: false })) ids.push(s.id);
  assert.deepEqual(ids, ['a', 'b', 'one']);
});

test('the path stat header decodes as docker\'s client decodes it; garbage is an error', () => {
  assert.deepEqual(decodePathStat(STAT_HEADER), STAT);
  assert.deepEqual(decodePathStat([STAT_HEADER]), STAT);
  assert.ok(hasModeBit(STAT.mode, GO_MODE_DIR));
  assert.ok(!hasModeBit(STAT.mode, GO_MODE_SYMLINK));
  assert.ok(hasModeBit(GO_MODE_SYMLINK + 0o777, GO_MODE_SYMLINK));
  assert.throws(() => decodePathStat('not base64 json'), /unable to decode container path stat header/);
  assert.throws(() => decodePathStat(undefined), /unable to decode container path stat header/);
  assert.deepEqual(decodePathStat(Buffer.from('{"name":7}').toString('base64')), { name: '', size: 0, mode: 0, mtime: '', linkTarget: '' });
});

test('archive HEAD, GET and PUT: the stat header, the tar stream and docker\'s PUT parameters', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'HEAD', path: '/containers/web/archive', headers: { 'x-docker-container-path-stat': STAT_HEADER } },
    { method: 'GET', path: '/containers/web/archive', text: 'TAR', contentType: 'application/x-tar', headers: { 'x-docker-container-path-stat': STAT_HEADER } },
    { method: 'GET', path: '/containers/bad/archive', text: 'TAR', contentType: 'application/x-tar', headers: { 'x-docker-container-path-stat': '%%%' } },
    { method: 'HEAD', path: '/containers/gone/archive', status: 404 },
    { method: 'PUT', path: '/containers/web/archive', status: 200 },
  ]);
  const c = new EngineClient({ host: eng.host });
  assert.deepEqual(await containerStatPath(c, 'web', '/var/www'), STAT);
  assert.equal(eng.requests.at(-1)?.url, '/v1.50/containers/web/archive?path=%2Fvar%2Fwww');
  assert.equal((await rejection(containerStatPath(c, 'gone', '/x'))).kind, 'NotFound');
  const got = await containerArchiveGet(c, 'web', '/var/www');
  assert.deepEqual(got.stat, STAT);
  const chunks: Buffer[] = [];
  for await (const b of got.content) chunks.push(b as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'TAR');
  assert.match((await rejection(containerArchiveGet(c, 'bad', '/'))).message, /^unable to get resource stat from response: unable to decode/);
  await containerArchivePut(c, 'web', '/www', Readable.from([Buffer.from('tar-bytes')]), { copyUIDGID: true });
  const put = eng.requests.at(-1);
  assert.equal(put?.url, '/v1.50/containers/web/archive?path=%2Fwww&noOverwriteDirNonDir=true&copyUIDGID=true');
  assert.equal(put?.body.toString(), 'tar-bytes');
  assert.equal(put?.headers['content-type'], 'application/x-tar');
  await containerArchivePut(c, 'web', '/www', Readable.from([Buffer.from('x')]), { allowOverwriteDirWithFile: true });
  assert.equal(eng.requests.at(-1)?.url, '/v1.50/containers/web/archive?path=%2Fwww');
});
