import assert from 'node:assert/strict';
import test from 'node:test';
import { isInvalidArgument, WharfError } from '../../common/errors.js';
import { checkLayerCount, MAX_CONFIG_BYTES, parseImageConfig, parseIndex, parseManifest } from './oci-validate.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

const code = (code: string, message?: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof WharfError, String(err));
  assert.equal(err.kind, 'InvalidArgument');
  assert.equal(err.code, code);
  if (message !== undefined) assert.match(err.message, message);
  return true;
};

test('parseImageConfig accepts a Docker config with nulls and unknown fields', () => {
  const cfg = parseImageConfig(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      container_config: { Hostname: 'x' },
      config: {
        Cmd: ['/bin/sh'], Entrypoint: null, Env: ['A=1'], OnBuild: null, Labels: null, ExposedPorts: { '80/tcp': {} },
        Volumes: { '/data': {} }, Healthcheck: { Test: ['CMD', 'true'], Interval: 1000000000, Retries: 3 }, ArgsEscaped: true,
        StopSignal: 'SIGTERM', WorkingDir: '/w', User: 'u', Shell: ['/bin/bash', '-c'],
      },
      rootfs: { type: 'layers', diff_ids: [D1, D2] },
      history: [{ created: '2024-01-01T00:00:00Z', created_by: 'x', empty_layer: true }],
    }),
  );
  assert.equal(cfg.architecture, 'amd64');
  assert.deepEqual(cfg.rootfs.diff_ids, [D1, D2]);
  assert.deepEqual(cfg.config?.Cmd, ['/bin/sh']);
  assert.equal('Entrypoint' in (cfg.config ?? {}), false);
  assert.deepEqual(cfg.config?.ExposedPorts, { '80/tcp': {} });
  assert.equal(cfg.config?.Healthcheck?.Retries, 3);
  assert.equal(cfg.history?.[0]?.empty_layer, true);
});

test('parseImageConfig rejects hostile configs with clear errors', () => {
  const bad: Array<[string, RegExp]> = [
    ['not json', /not valid JSON/],
    ['[]', /expected an object/],
    ['null', /expected an object/],
    ['{}', /rootfs: expected an object/],
    [JSON.stringify({ rootfs: { type: 'tarball', diff_ids: [] } }), /rootfs.type/],
    [JSON.stringify({ rootfs: { type: 'layers', diff_ids: ['sha256:../x'] } }), /rootfs.diff_ids\[0\]: invalid digest/],
    [JSON.stringify({ rootfs: { type: 'layers', diff_ids: [`SHA256:${'A'.repeat(64)}`] } }), /invalid digest/],
    [JSON.stringify({ rootfs: { type: 'layers', diff_ids: 'x' } }), /expected an array/],
    [JSON.stringify({ rootfs: { type: 'layers', diff_ids: Array(1001).fill(D1) } }), /more than 1000/],
    [JSON.stringify({ rootfs: { type: 'layers', diff_ids: [] }, config: { Cmd: 'sh' } }), /config.Cmd: expected an array/],
    [JSON.stringify({ rootfs: { type: 'layers', diff_ids: [] }, config: { Env: [1] } }), /config.Env\[0\]: expected a string/],
    [JSON.stringify({ rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { a: 1 } } }), /config.Labels.a/],
    [JSON.stringify({ rootfs: { type: 'layers', diff_ids: [] }, config: { Healthcheck: { Interval: -1 } } }), /Interval/],
    [JSON.stringify({ rootfs: { type: 'layers', diff_ids: [] }, history: [{ empty_layer: 'yes' }] }), /history\[0\].empty_layer/],
    [JSON.stringify({ rootfs: { type: 'layers', diff_ids: [] }, os: 7 }), /os: expected a string/],
  ];
  for (const [input, message] of bad) assert.throws(() => parseImageConfig(input), code('WHARF_INVALID_IMAGE_CONFIG', message), input.slice(0, 60));
});

test('parseImageConfig bounds the size before parsing', () => {
  const huge = Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x20);
  assert.throws(() => parseImageConfig(huge), code('WHARF_INVALID_IMAGE_CONFIG', /larger than/));
});

test('parseManifest validates descriptors', () => {
  const good = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D1, size: 10 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: D2, size: 20 }] };
  const m = parseManifest(JSON.stringify(good));
  assert.equal(m.layers[0]?.digest, D2);
  const bad: Array<[unknown, RegExp]> = [
    [{ ...good, schemaVersion: 1 }, /schemaVersion/],
    [{ ...good, mediaType: 'text/html' }, /mediaType/],
    [{ ...good, config: { ...good.config, digest: 'sha256:../../etc/passwd' } }, /config.digest/],
    [{ ...good, config: { ...good.config, size: -5 } }, /config.size/],
    [{ ...good, config: { ...good.config, size: 1.5 } }, /config.size/],
    [{ ...good, layers: {} }, /layers: expected an array/],
    [{ ...good, layers: [null] }, /layers\[0\]: expected an object/],
    [{ ...good, annotations: { a: {} } }, /annotations.a/],
  ];
  for (const [input, message] of bad) assert.throws(() => parseManifest(JSON.stringify(input)), code('WHARF_INVALID_MANIFEST', message));
  assert.throws(() => parseManifest('{'), code('WHARF_INVALID_MANIFEST', /not valid JSON/));
});

test('parseIndex validates entries and platforms', () => {
  const idx = parseIndex(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D1, size: 1, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' }, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }] }));
  assert.equal(idx.manifests[0]?.platform?.variant, 'v8');
  assert.throws(() => parseIndex(JSON.stringify({ schemaVersion: 2, manifests: [{ digest: D1, size: 1, platform: { os: 3 } }] })), code('WHARF_INVALID_MANIFEST', /platform.os/));
  assert.throws(() => parseIndex(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', manifests: [] })), code('WHARF_INVALID_MANIFEST', /mediaType/));
});

test('checkLayerCount compares diff IDs with layers, in Docker words', () => {
  const cfg = parseImageConfig(JSON.stringify({ rootfs: { type: 'layers', diff_ids: [D1] } }));
  checkLayerCount(cfg, 1);
  assert.throws(() => checkLayerCount(cfg, 2), (err: unknown) => isInvalidArgument(err) && /layers length mismatch: expected 2, got 1/.test((err as Error).message));
});
