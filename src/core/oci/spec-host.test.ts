import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultHostFacts } from '../container/host-facts.js';
import { defaultSpecHost, findInitBinary } from './spec-host.js';

test('defaultSpecHost describes this machine', () => {
  const h = defaultSpecHost();
  assert.equal(h.kernelRelease, os.release());
  assert.equal(h.hostname, os.hostname());
  if (os.arch() === 'x64') assert.equal(h.arch, 'amd64');
  assert.ok(h.capabilities.includes('CAP_SYS_ADMIN'));
  assert.equal(typeof h.cgroupV2, 'boolean');
  assert.ok(h.extraMaskedPaths.every((p) => /^\/sys\/devices\/system\/cpu\/cpu\d+\/thermal_throttle$/.test(p)));
  const f = defaultHostFacts();
  assert.ok(f.cpuCount >= 1);
  assert.equal(f.pathExists('/'), true);
  assert.equal(f.pathExists('/definitely/not/here'), false);
});

test('findInitBinary returns the first candidate that exists', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-init-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const a = path.join(dir, 'catatonit');
  const b = path.join(dir, 'tini');
  assert.equal(findInitBinary([a, b]), undefined);
  fs.writeFileSync(b, '');
  assert.equal(findInitBinary([a, b]), b);
  fs.writeFileSync(a, '');
  assert.equal(findInitBinary([a, b]), a);
});
