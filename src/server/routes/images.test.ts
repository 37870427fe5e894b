import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { Digest } from '../../common/digest.js';
import { isNotFound, noSuchImage } from '../../common/errors.js';
import type { ImageService } from '../../services/engine-services.js';
import { EventBus } from '../../services/events/event-bus.js';
import { makeImageDeps, type TestImageDeps } from '../../services/images/testing/image-test-deps.js';
import { engineRouter } from '../create-server.js';
import { idHex, startServer, testServices, type TestServer } from '../testing/api-harness.js';

async function setup(t: TestContext, overrides: Partial<ImageService> = {}): Promise<{ s: TestServer; deps: TestImageDeps; bus: EventBus }> {
  const bus = new EventBus();
  const deps = await makeImageDeps(t, { forward: bus });
  const s = await startServer(t, engineRouter(testServices(deps, bus, overrides)));
  return { s, deps, bus };
}

const q = (filters: Record<string, string[]>): string => `filters=${encodeURIComponent(JSON.stringify(filters))}`;

test('GET /images/json lists images with filters, in the wire shape of the request version', async (t) => {
  const { s, deps } = await setup(t);
  const bb = await deps.seed({ tags: ['busybox:latest'], config: { created: '2024-01-01T00:00:00Z', config: { Labels: { a: 'b' } } } });
  await deps.seed({ tags: ['myorg/tools:1.0'], config: { created: '2024-02-01T00:00:00Z' } });
  const dangling = await deps.seed({ config: { created: '2024-03-01T00:00:00Z' } });
  const all = (await s.request('GET', '/v1.50/images/json')).json() as Record<string, unknown>[];
  assert.deepEqual(all.map((i) => i['RepoTags']), [[], ['myorg/tools:1.0'], ['busybox:latest']]);
  const first = all[2] as Record<string, unknown>;
  assert.deepEqual(Object.keys(first).sort(), ['Containers', 'Created', 'Id', 'Labels', 'ParentId', 'RepoDigests', 'RepoTags', 'SharedSize', 'Size']);
  assert.equal(first['Id'], bb.id);
  assert.equal(first['Created'], 1704067200);
  assert.equal(first['SharedSize'], -1);
  assert.equal(first['Containers'], -1);
  assert.deepEqual(first['Labels'], { a: 'b' });
  const byRef = (await s.request('GET', `/images/json?${q({ reference: ['busy*'] })}`)).json() as Record<string, unknown>[];
  assert.deepEqual(byRef.map((i) => i['Id']), [bb.id]);
  const legacyForm = (await s.request('GET', `/images/json?filters=${encodeURIComponent('{"dangling":{"true":true}}')}`)).json() as Record<string, unknown>[];
  assert.deepEqual(legacyForm.map((i) => i['Id']), [dangling.id]);
  const old = (await s.request('GET', '/v1.41/images/json')).json() as Record<string, unknown>[];
  assert.deepEqual(old[0]?.['RepoTags'], ['<none>:<none>']);
  assert.equal(old[0]?.['VirtualSize'], old[0]?.['Size']);
  const oldRef = (await s.request('GET', '/v1.24/images/json?filter=busy*')).json() as Record<string, unknown>[];
  assert.deepEqual(oldRef.map((i) => i['Id']), [bb.id]);
  const shared = (await s.request('GET', '/images/json?shared-size=1')).json() as Record<string, unknown>[];
  assert.ok(shared.every((i) => i['SharedSize'] === 0));
  const bad = await s.request('GET', `/images/json?${q({ colour: ['red'] })}`);
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), { message: "invalid filter 'colour'" });
});

test('GET /images/{name}/json inspects by name or ID and gates fields by API version', async (t) => {
  const { s, deps } = await setup(t);
  const img = await deps.seed({ tags: ['myorg/tools:1.0'], layers: [{ a: '1' }, { b: '22' }] });
  const d = (await s.request('GET', '/v1.50/images/myorg/tools:1.0/json')).json() as Record<string, unknown>;
  assert.equal(d['Id'], img.id);
  assert.deepEqual(d['RepoTags'], ['myorg/tools:1.0']);
  assert.equal(d['Size'], 3);
  assert.deepEqual(d['RootFS'], { Type: 'layers', Layers: img.layers.map((l) => l.diffId) });
  assert.equal((d['GraphDriver'] as { Name: string }).Name, 'overlayfs');
  assert.ok((d['GraphDriver'] as { Data: Record<string, string> }).Data['LowerDir']);
  assert.equal(d['VirtualSize'], undefined);
  assert.equal(d['ContainerConfig'], undefined);
  assert.equal((d['Config'] as Record<string, unknown>)['WorkingDir'], '');
  const old = (await s.request('GET', `/v1.43/images/${idHex(img.id).slice(0, 12)}/json`)).json() as Record<string, unknown>;
  assert.equal(old['VirtualSize'], 3);
  assert.equal(old['Container'], '');
  assert.equal((old['Config'] as Record<string, unknown>)['Tty'], false);
  const missing = await s.request('GET', '/images/nope:1/json');
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json(), { message: 'No such image: nope:1' });
});

test('GET /images/{name}/history answers rows newest first with null tags where dockerd has them', async (t) => {
  const { s, deps } = await setup(t);
  const img = await deps.seed({ tags: ['app:1'], layers: [{ a: '1' }, { b: '22' }] });
  const rows = (await s.request('GET', '/images/app:1/history')).json() as Record<string, unknown>[];
  assert.deepEqual(rows.map((r) => [r['Id'], r['Tags'], r['Size']]), [
    [img.id, ['app:1'], 2],
    ['<missing>', null, 1],
  ]);
});

test('POST /images/{name}/tag answers 201 and publishes a tag event; bad tags are 400, unknown images 404', async (t) => {
  const { s, deps } = await setup(t);
  const img = await deps.seed({ tags: ['busybox'] });
  const res = await s.request('POST', '/v1.50/images/busybox/tag?repo=myorg/tools&tag=1.0');
  assert.equal(res.status, 201);
  assert.equal(res.text, '');
  assert.equal((await s.request('GET', '/images/myorg/tools:1.0/json')).status, 200);
  assert.equal(deps.published.at(-1)?.action, 'tag');
  assert.equal((await s.request('POST', '/images/busybox/tag?repo=Bad')).status, 400);
  assert.equal((await s.request('POST', '/images/nope/tag?repo=x')).status, 404);
  assert.equal((await s.request('POST', `/images/${idHex(img.id)}/tag?repo=x&tag=bad%20tag`)).status, 400);
});

test('DELETE /images/{name} answers untagged/deleted items and each conflict with 409 in dockerd words', async (t) => {
  const { s, deps } = await setup(t);
  const img = await deps.seed({ tags: ['busybox:latest', 'myorg/tools:1.0'] });
  const multi = await s.request('DELETE', `/images/${idHex(img.id).slice(0, 12)}`);
  assert.equal(multi.status, 409);
  assert.deepEqual(multi.json(), { message: `conflict: unable to delete ${idHex(img.id).slice(0, 12)} (must be forced) - image is referenced in multiple repositories` });
  assert.deepEqual((await s.request('DELETE', '/images/myorg/tools:1.0')).json(), [{ Untagged: 'myorg/tools:1.0' }]);
  const child = await deps.seed({ tags: ['child:1'], parent: img.id });
  const hard = await s.request('DELETE', `/images/${idHex(img.id)}?force=1`);
  assert.equal(hard.status, 409);
  assert.match((hard.json() as { message: string }).message, /\(cannot be forced\) - image has dependent child images$/);
  deps.containerUsers.set(child.id, [{ id: 'abcdef0123456789', running: true }]);
  const running = await s.request('DELETE', `/images/${idHex(child.id)}?force=True`);
  assert.equal(running.status, 409);
  assert.match((running.json() as { message: string }).message, /\(cannot be forced\) - image is being used by running container abcdef012345$/);
  deps.containerUsers.set(child.id, [{ id: 'abcdef0123456789', running: false }]);
  const stopped = await s.request('DELETE', `/images/${idHex(child.id)}?force=False`);
  assert.equal(stopped.status, 409);
  assert.match((stopped.json() as { message: string }).message, /\(must be forced\) - image is being used by stopped container abcdef012345$/);
  const forced = (await s.request('DELETE', `/images/${idHex(child.id)}?force=1&noprune=1`)).json();
  assert.deepEqual(forced, [{ Untagged: 'child:1' }, { Deleted: child.id }]);
  assert.deepEqual((await s.request('DELETE', '/images/busybox')).json(), [{ Untagged: 'busybox:latest' }, { Deleted: img.id }]);
  assert.equal((await s.request('DELETE', '/images/busybox')).status, 404);
  assert.deepEqual((await s.request('DELETE', '/images/%20')).json(), { message: 'image name cannot be blank' });
});

test('POST /images/prune removes dangling images and reports the space reclaimed', async (t) => {
  const { s, deps } = await setup(t);
  await deps.seed({ tags: ['keep:1'] });
  const dangling = await deps.seed({});
  const res = (await s.request('POST', '/images/prune')).json() as { ImagesDeleted: unknown; SpaceReclaimed: number };
  assert.deepEqual(res.ImagesDeleted, [{ Deleted: dangling.id }]);
  assert.ok(res.SpaceReclaimed > 0);
  assert.deepEqual((await s.request('POST', '/images/prune')).json(), { ImagesDeleted: null, SpaceReclaimed: 0 });
  const all = (await s.request('POST', `/images/prune?${q({ dangling: ['false'] })}`)).json() as { ImagesDeleted: unknown[] };
  assert.equal(all.ImagesDeleted.length, 2);
  assert.equal((await s.request('POST', `/images/prune?${q({ reference: ['x'] })}`)).status, 400);
});

test('POST /images/create imports the body as a stream and ends with the image ID; pull is 501', async (t) => {
  let seen: { body: string; opts: Record<string, unknown> } | undefined;
  const id = `sha256:${'ab'.repeat(32)}` as Digest;
  const { s } = await setup(t, {
    importImage: async (source, opts) => {
      let body = '';
      for await (const c of source) body += String(c);
      const { signal: _signal, ...rest } = opts;
      seen = { body, opts: rest };
      return { id };
    },
  });
  const res = await s.request('POST', '/v1.50/images/create?fromSrc=-&repo=mybase&tag=1&changes=ENV%20A%3D1&changes=CMD%20sh', { body: 'TARBYTES' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.text, `{"status":"${id}"}\r\n`);
  assert.deepEqual(seen, { body: 'TARBYTES', opts: { repo: 'mybase', tag: '1', changes: ['ENV A=1', 'CMD sh'], message: undefined, fromSrc: '-', platform: undefined } });
  const pull = await s.request('POST', '/images/create?fromImage=busybox&tag=latest');
  assert.equal(pull.status, 501);
  assert.match((pull.json() as { message: string }).message, /pulling images is not supported yet/);
  assert.equal((await s.request('POST', '/images/create?fromSrc=http://example.com/x.tar')).status, 501);
  assert.equal((await s.request('POST', '/images/create')).status, 400);
});

test('POST /images/create keeps the status of an import that fails before answering', async (t) => {
  const { s } = await setup(t, {
    importImage: async () => {
      throw noSuchImage('x');
    },
  });
  const res = await s.request('POST', '/images/create?fromSrc=-', { body: 'x' });
  assert.equal(res.status, 404);
});

test('POST /images/load streams Loaded image lines, progress only without quiet, errors inside the stream', async (t) => {
  const id = `sha256:${'cd'.repeat(32)}` as Digest;
  let fail = false;
  const { s } = await setup(t, {
    load: async (archive, opts) => {
      for await (const _ of archive) void _;
      if (fail) throw new Error('archive has no manifest');
      opts.onProgress?.({ status: 'Loading layer', id: 'abc', progressDetail: { current: 1, total: 2 } });
      return { loaded: [{ id, refs: ['busybox:latest', 'busybox:1'] }, { id, refs: [] }] };
    },
  });
  const quiet = await s.request('POST', '/images/load', { body: 'tar' });
  assert.equal(quiet.status, 200);
  assert.equal(quiet.text, `{"stream":"Loaded image: busybox:latest\\n"}\r\n{"stream":"Loaded image: busybox:1\\n"}\r\n{"stream":"Loaded image ID: ${id}\\n"}\r\n`);
  const loud = await s.request('POST', '/images/load?quiet=0', { body: 'tar' });
  assert.match(loud.text.split('\r\n')[0] as string, /"status":"Loading layer"/);
  fail = true;
  const failed = await s.request('POST', '/images/load', { body: 'tar' });
  assert.equal(failed.status, 200);
  assert.equal(failed.text, '{"errorDetail":{"message":"archive has no manifest"},"error":"archive has no manifest"}\r\n');
});

test('GET /images/{name}/get and /images/get?names= stream a tar; unknown names fail before streaming', async (t) => {
  const calls: (readonly string[])[] = [];
  const { s } = await setup(t, {
    save: async (names) => {
      calls.push(names);
      if (names.includes('nope')) throw noSuchImage('nope');
      return Readable.from([Buffer.from('TAR:'), Buffer.from(names.join(','))]);
    },
  });
  const one = await s.request('GET', '/images/myorg/tools:1.0/get');
  assert.equal(one.status, 200);
  assert.equal(one.headers['content-type'], 'application/x-tar');
  assert.equal(one.text, 'TAR:myorg/tools:1.0');
  const many = await s.request('GET', '/v1.44/images/get?names=a&names=b:1');
  assert.equal(many.text, 'TAR:a,b:1');
  const missing = await s.request('GET', '/images/get?names=a&names=nope');
  assert.equal(missing.status, 404);
  assert.ok(isNotFound(noSuchImage('nope')));
  assert.deepEqual(calls.length, 3);
});

test('registry endpoints answer 501 until registries arrive', async (t) => {
  const { s } = await setup(t);
  assert.equal((await s.request('POST', '/images/busybox/push')).status, 501);
  assert.equal((await s.request('GET', '/images/search?term=busybox')).status, 501);
});

test('parameters that would change the answer and are not implemented yet are 501, from the version that reads them', async (t) => {
  const { s, deps } = await setup(t);
  await deps.seed({ tags: ['busybox'] });
  const platform = encodeURIComponent('{"os":"linux","architecture":"arm64"}');
  for (const [m, p] of [
    ['GET', '/images/json?manifests=1'],
    ['GET', `/images/busybox/json?platform=${platform}`],
    ['GET', '/images/busybox/json?manifests=true'],
    ['GET', `/images/busybox/history?platform=${platform}`],
    ['DELETE', `/images/busybox?platforms=${platform}`],
    ['GET', `/images/busybox/get?platform=${platform}`],
    ['POST', `/images/load?platform=${platform}`],
  ]) {
    const res = await s.request(m as string, p as string);
    assert.equal(res.status, 501, `${m} ${p}`);
    assert.match((res.json() as { message: string }).message, /parameter of .* is not supported yet/);
  }
  assert.equal((await s.request('GET', '/v1.46/images/json?manifests=1')).status, 200, 'older clients: ignored, as dockerd');
  assert.equal((await s.request('GET', '/images/json?manifests=0')).status, 200);
  assert.equal((await s.request('OPTIONS', '/anything/at/all')).status, 200);
});
