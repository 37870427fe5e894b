import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OciProcess } from '../../core/oci/spec.js';
import { execEnv, execProcessSpec, readBundleConfig } from './exec-process.js';

const BASE: OciProcess = {
  terminal: false,
  consoleSize: { height: 1, width: 2 },
  user: { uid: 0, gid: 0, umask: 18, additionalGids: [0] },
  args: ['sh'],
  env: ['X=1'],
  cwd: '/',
  capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'], inheritable: ['CAP_KILL'], ambient: [] },
  rlimits: [{ type: 'RLIMIT_NOFILE', hard: 10, soft: 10 }],
  noNewPrivileges: true,
  oomScoreAdj: 5,
};

const user = { uid: 1000, gid: 100, additionalGids: [100, 7], home: '/home/u' };

test('execProcessSpec keeps the container\'s process and replaces what the exec sets', () => {
  const p = execProcessSpec({ base: BASE, argv: ['ls', '-l'], env: ['A=1'], cwd: '', tty: false, user, privileged: false, allCapabilities: ['CAP_KILL', 'CAP_NET_ADMIN'] });
  assert.deepEqual(p.args, ['ls', '-l']);
  assert.deepEqual(p.env, ['A=1']);
  assert.equal(p.cwd, '/');
  assert.equal(p.terminal, false);
  assert.equal(p.consoleSize, undefined, 'no console size without a TTY');
  assert.deepEqual(p.user, { uid: 1000, gid: 100, umask: 18, additionalGids: [100, 7] });
  assert.deepEqual(p.capabilities, BASE.capabilities);
  assert.deepEqual(p.rlimits, BASE.rlimits);
  assert.equal(p.noNewPrivileges, true);
  assert.equal(p.oomScoreAdj, 5);
  assert.deepEqual(BASE.args, ['sh'], 'the base is not changed');
});

test('execProcessSpec with a TTY and --privileged', () => {
  const p = execProcessSpec({ base: BASE, argv: ['sh'], env: [], cwd: '/w', tty: true, consoleSize: { height: 30, width: 100 }, user, privileged: true, allCapabilities: ['CAP_KILL', 'CAP_SYS_ADMIN'] });
  assert.equal(p.terminal, true);
  assert.deepEqual(p.consoleSize, { height: 30, width: 100 });
  assert.deepEqual(p.capabilities, { bounding: ['CAP_KILL', 'CAP_SYS_ADMIN'], effective: ['CAP_KILL', 'CAP_SYS_ADMIN'], permitted: ['CAP_KILL', 'CAP_SYS_ADMIN'], inheritable: [], ambient: [] });
  const bare = execProcessSpec({ base: undefined, argv: ['x'], env: [], cwd: '/', tty: false, user: { uid: 0, gid: 0, additionalGids: [], home: '/' }, privileged: false, allCapabilities: [] });
  assert.deepEqual(bare.user, { uid: 0, gid: 0 });
});

test('execEnv puts the exec\'s entries over the container\'s process environment', () => {
  const record = { hostname: 'abc', config: { env: ['PATH=/custom', 'A=1', 'B=2'] } } as unknown as Parameters<typeof execEnv>[0];
  assert.deepEqual(execEnv(record, ['A=9', 'C=3', 'B'], true), ['PATH=/custom', 'HOSTNAME=abc', 'TERM=xterm', 'A=9', 'C=3']);
  assert.deepEqual(execEnv(record, [], false), ['PATH=/custom', 'HOSTNAME=abc', 'A=1', 'B=2']);
});

test('readBundleConfig reads the process and cgroups path; a missing bundle is undefined', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-bundle-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  assert.equal(await readBundleConfig(dir), undefined);
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ process: BASE, linux: { cgroupsPath: '/wharf/abc' } }));
  assert.deepEqual(await readBundleConfig(dir), { process: BASE, cgroupsPath: '/wharf/abc' });
  await fs.writeFile(path.join(dir, 'config.json'), '{bad');
  await assert.rejects(readBundleConfig(dir), SyntaxError);
});
