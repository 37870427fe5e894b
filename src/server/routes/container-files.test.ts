import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { notFound } from '../../common/errors.js';
import type { ContainerFileService } from '../../services/containers/archive-service.js';
import type { CommitOptions } from '../../services/containers/commit.js';
import type { ExtractOptions } from '../../services/containers/archive.js';
import { Router } from '../router.js';
import { startServer, type TestServer } from '../testing/api-harness.js';
import { addContainerFileRoutes } from './container-files.js';

const STAT = { name: 'www', size: 4096, mode: 2 ** 31 + 0o755, mtime: '2023-11-14T22:13:20Z', linkTarget: '' };

interface Calls {
  extract?: { ref: string; path: string; body: string; opts: ExtractOptions };
  commit?: { ref: string; opts: CommitOptions };
}

function fakeFiles(calls: Calls): ContainerFileService {
  return {
    statPath: async (ref, path) => {
      if (path === '/missing') throw notFound('WHARF_NO_SUCH_CONTAINER_PATH', `Could not find the file ${path} in container ${ref}`);
      return STAT;
    },
    archive: async (ref, path) => {
      if (path === '/missing') throw notFound('WHARF_NO_SUCH_CONTAINER_PATH', `Could not find the file ${path} in container ${ref}`);
      return { stat: STAT, archive: Readable.from([Buffer.from('tar bytes')]) };
    },
    extract: async (ref, path, body, opts) => {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      calls.extract = { ref, path, body: Buffer.concat(chunks).toString(), opts };
    },
    changes: async () => [{ path: '/etc', kind: 0 }, { path: '/etc/x', kind: 1 }],
    export: async () => Readable.from([Buffer.from('exported')]),
    commit: async (ref, opts) => {
      calls.commit = { ref, opts };
      return { id: `sha256:${'c'.repeat(64)}` };
    },
  };
}

async function server(t: TestContext, files: ContainerFileService): Promise<TestServer> {
  const router = new Router();
  addContainerFileRoutes(router, { containerFiles: files });
  return startServer(t, router);
}

const decodeStat = (h: string | string[] | undefined): unknown => JSON.parse(Buffer.from(String(h), 'base64').toString());

test('HEAD and GET archive carry the stat header; path is required; errors in Docker words', async (t) => {
  const s = await server(t, fakeFiles({}));
  const head = await s.request('HEAD', '/v1.50/containers/web/archive?path=/www');
  assert.equal(head.status, 200);
  assert.deepEqual(decodeStat(head.headers['x-docker-container-path-stat']), STAT);
  const get = await s.request('GET', '/containers/web/archive?path=/www');
  assert.equal(get.status, 200);
  assert.equal(get.headers['content-type'], 'application/x-tar');
  assert.deepEqual(decodeStat(get.headers['x-docker-container-path-stat']), STAT);
  assert.equal(get.text, 'tar bytes');
  const noPath = await s.request('GET', '/containers/web/archive');
  assert.deepEqual([noPath.status, noPath.json()], [400, { message: 'bad parameter: path cannot be empty' }]);
  const missing = await s.request('GET', '/containers/web/archive?path=/missing');
  assert.deepEqual([missing.status, missing.json()], [404, { message: 'Could not find the file /missing in container web' }]);
});

test('PUT archive passes the body and Docker\'s flags through', async (t) => {
  const calls: Calls = {};
  const s = await server(t, fakeFiles(calls));
  const put = await s.request('PUT', '/v1.50/containers/web/archive?path=/www&noOverwriteDirNonDir=true&copyUIDGID=1', { body: 'the tar' });
  assert.equal(put.status, 200);
  assert.deepEqual([calls.extract?.ref, calls.extract?.path, calls.extract?.body], ['web', '/www', 'the tar']);
  assert.deepEqual([calls.extract?.opts.noOverwriteDirNonDir, calls.extract?.opts.copyUIDGID], [true, true]);
  await s.request('PUT', '/containers/web/archive?path=/www', { body: 'x' });
  assert.deepEqual([calls.extract?.opts.noOverwriteDirNonDir, calls.extract?.opts.copyUIDGID], [false, false]);
  await s.request('PUT', '/containers/web/archive?path=/www&noOverwriteDirNonDir=0', { body: 'x' });
  assert.equal(calls.extract?.opts.noOverwriteDirNonDir, false);
});

test('changes, export and commit: wire shapes, statuses and parameters', async (t) => {
  const calls: Calls = {};
  const s = await server(t, fakeFiles(calls));
  const changes = await s.request('GET', '/containers/web/changes');
  assert.deepEqual([changes.status, changes.json()], [200, [{ Path: '/etc', Kind: 0 }, { Path: '/etc/x', Kind: 1 }]]);
  const exported = await s.request('GET', '/containers/web/export');
  assert.deepEqual([exported.status, exported.headers['content-type'], exported.text], [200, 'application/x-tar', 'exported']);
  const commit = await s.request('POST', '/v1.50/commit?container=web&repo=me/app&tag=v1&comment=c&author=a&changes=ENV%20A%3D1&changes=CMD%20sh&pause=0', {
    body: JSON.stringify({ Cmd: ['true'] }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.deepEqual([commit.status, commit.json()], [201, { Id: `sha256:${'c'.repeat(64)}` }]);
  const opts = calls.commit?.opts;
  assert.equal(calls.commit?.ref, 'web');
  assert.deepEqual([opts?.repo, opts?.tag, opts?.comment, opts?.author, opts?.pause, opts?.changes, opts?.config], ['me/app', 'v1', 'c', 'a', false, ['ENV A=1', 'CMD sh'], { Cmd: ['true'] }]);
  await s.request('POST', '/commit?container=web');
  assert.deepEqual([calls.commit?.opts.pause, calls.commit?.opts.config], [true, undefined], 'pause defaults to true; no body is no config');
  const badType = await s.request('POST', '/commit?container=web', { body: 'x', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(badType.status, 400);
});
