import test from 'node:test';
import assert from 'node:assert/strict';
import type { ResourcesSpec } from '../container/container-spec.js';
import { withDevices, withResources } from './resource-opts.js';
import { defaultSpec } from './spec-defaults.js';
import { composeSpec } from './spec-opts.js';

const NONE: ResourcesSpec = {
  memory: 0, memorySwap: 0, memoryReservation: 0, nanoCpus: 0, cpuShares: 0, cpuPeriod: 0, cpuQuota: 0, cpusetCpus: '',
  cpusetMems: '', blkioWeight: 0, ulimits: [], devices: [], deviceCgroupRules: [], cgroupParent: '',
};
const res = (over: Partial<ResourcesSpec>) => composeSpec(defaultSpec(), withResources({ ...NONE, ...over })).linux.resources;

test('no limits write no memory, cpu, pids or blkio section', () => {
  const r = res({});
  assert.equal(r.memory, undefined);
  assert.equal(r.cpu, undefined);
  assert.equal(r.pids, undefined);
  assert.equal(r.blockIO, undefined);
});

test('memory: limit, reservation, swap as memory+swap, -1 left unset, swappiness, OOM killer', () => {
  assert.deepEqual(res({ memory: 512 << 20, memorySwap: 1024 << 20, memoryReservation: 256 << 20 }).memory, {
    limit: 512 << 20, reservation: 256 << 20, swap: 1024 << 20,
  });
  assert.deepEqual(res({ memory: 512 << 20, memorySwap: -1, memorySwappiness: 0, oomKillDisable: true }).memory, {
    limit: 512 << 20, swappiness: 0, disableOOMKiller: true,
  });
});

test('cpu: --cpus as quota over a 100ms period; explicit period and quota win; shares and cpuset', () => {
  assert.deepEqual(res({ nanoCpus: 1.5e9 }).cpu, { period: 100000, quota: 150000 });
  assert.deepEqual(res({ nanoCpus: 1e7 }).cpu, { period: 100000, quota: 1000 });
  assert.deepEqual(res({ cpuPeriod: 50000, cpuQuota: 25000, cpuShares: 512, cpusetCpus: '0-1', cpusetMems: '0' }).cpu, {
    shares: 512, cpus: '0-1', mems: '0', period: 50000, quota: 25000,
  });
});

test('pids and blkio weight', () => {
  assert.deepEqual(res({ pidsLimit: 100 }).pids, { limit: 100 });
  assert.deepEqual(res({ blkioWeight: 300 }).blockIO, { weight: 300 });
});

test('devices: mapped nodes with their permissions, cgroup rules; privileged gets host devices and allow-all', () => {
  const fuse = { device: { path: '/dev/fuse', type: 'c' as const, major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 }, cgroupPermissions: 'rw' };
  const s = composeSpec(defaultSpec(), withDevices([fuse], ['c 1:3 r', 'b *:* m'], false, []));
  assert.deepEqual(s.linux.devices, [fuse.device]);
  assert.deepEqual(s.linux.resources.devices.slice(-3), [
    { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' },
    { allow: true, type: 'c', major: 1, minor: 3, access: 'r' },
    { allow: true, type: 'b', major: -1, minor: -1, access: 'm' },
  ]);
  const host = [{ path: '/dev/null', type: 'c' as const, major: 1, minor: 3 }, fuse.device];
  const p = composeSpec(defaultSpec(), withDevices([fuse], [], true, host));
  assert.deepEqual(p.linux.devices, host, 'a mapped device already among the host devices is not added twice');
  assert.deepEqual(p.linux.resources.devices.at(-1), { allow: true, access: 'rwm' });
});
