import test from 'node:test';
import assert from 'node:assert/strict';
import type { BindMountSpec, MountSpec } from '../container/container-spec.js';
import { hostShmMount, networkFileMounts, sortMounts, toOciMount, withInit, withMounts, type MountPolicy } from './mount-opts.js';
import { defaultSpec } from './spec-defaults.js';
import { composeSpec } from './spec-opts.js';

const POLICY: MountPolicy = { shmSize: 64 << 20, ipcMode: 'private', readonlyRootfs: false, privileged: false, writableCgroups: false, recursiveReadOnly: true };

const bind = (source: string, destination: string, over: Partial<BindMountSpec> = {}): BindMountSpec => ({
  type: 'bind', source, destination, readOnly: false, propagation: 'rprivate', nonRecursive: false,
  readOnlyNonRecursive: false, readOnlyForceRecursive: false, createHostPath: true, ...over,
});

const layout = (mounts: MountSpec[], policy: Partial<MountPolicy> = {}) =>
  composeSpec(defaultSpec(), withMounts(mounts, { ...POLICY, ...policy }));

test('bind options follow Docker: rbind|bind, ro|rro, then the propagation', () => {
  assert.deepEqual(toOciMount(bind('/a', '/b'), POLICY).options, ['rbind', 'rprivate']);
  assert.deepEqual(toOciMount(bind('/a', '/b', { readOnly: true }), POLICY).options, ['rbind', 'rro', 'rprivate']);
  assert.deepEqual(toOciMount(bind('/a', '/b', { readOnly: true, readOnlyNonRecursive: true }), POLICY).options, ['rbind', 'ro', 'rprivate']);
  assert.deepEqual(toOciMount(bind('/a', '/b', { readOnly: true }), { ...POLICY, recursiveReadOnly: false }).options, ['rbind', 'ro', 'rprivate']);
  assert.deepEqual(toOciMount(bind('/a', '/b', { nonRecursive: true, propagation: 'rshared' }), POLICY).options, ['bind', 'rshared']);
  assert.throws(() => toOciMount(bind('/a', '/b', { readOnly: true, readOnlyForceRecursive: true }), { ...POLICY, recursiveReadOnly: false }), /recursively read-only/);
});

test('tmpfs mounts get Docker\'s noexec,nosuid,nodev,rprivate before their own options', () => {
  assert.deepEqual(toOciMount({ type: 'tmpfs', destination: '/run', options: ['exec', 'size=1m'] }, POLICY), {
    destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'rprivate', 'exec', 'size=1m'],
  });
});

test('sortMounts orders by depth and keeps the order of equals', () => {
  const sorted = sortMounts([{ destination: '/a/b/c' }, { destination: '/x' }, { destination: '/a/b' }, { destination: '/a' }, { destination: '/y' }]);
  assert.deepEqual(sorted.map((m) => m.destination), ['/x', '/a', '/y', '/a/b', '/a/b/c']);
});

test('/dev/shm gets its size; a user mount replaces a default one; a /dev mount drops everything below /dev', () => {
  const s = layout([bind('/host/proc', '/proc')]);
  assert.equal(s.mounts.find((m) => m.destination === '/dev/shm')?.options.at(-1), `size=${64 << 20}`);
  assert.equal(s.mounts.filter((m) => m.destination === '/proc').length, 1);
  assert.equal(s.mounts.at(-1)?.source, '/host/proc');
  const dev = layout([bind('/dev', '/dev')]);
  assert.deepEqual(dev.mounts.map((m) => m.destination), ['/proc', '/sys', '/sys/fs/cgroup', '/dev']);
  assert.ok(!layout([], { ipcMode: 'none' }).mounts.some((m) => m.destination === '/dev/shm'));
});

test('a read-only root makes other mounts read-only, but not kernel filesystems or requested mounts', () => {
  const s = layout([bind('/data', '/data')], { readonlyRootfs: true });
  const opts = (d: string) => s.mounts.find((m) => m.destination === d)?.options ?? [];
  assert.ok(opts('/sys').includes('ro'));
  assert.ok(opts('/sys/fs/cgroup').includes('ro'));
  for (const d of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/data']) assert.ok(!opts(d).includes('ro'), d);
});

test('privileged: rw /sys and cgroup, no masked or read-only paths', () => {
  const s = layout([], { privileged: true, writableCgroups: true });
  assert.ok(!s.mounts.find((m) => m.destination === '/sys')?.options.includes('ro'));
  assert.ok(!s.mounts.find((m) => m.destination === '/sys/fs/cgroup')?.options.includes('ro'));
  assert.deepEqual(s.linux.maskedPaths, []);
  assert.deepEqual(s.linux.readonlyPaths, []);
});

test('shared and slave binds set the root propagation as Docker does', () => {
  assert.equal(layout([bind('/a', '/a', { propagation: 'rshared' })]).linux.rootfsPropagation, 'shared');
  assert.equal(layout([bind('/a', '/a', { propagation: 'slave' })]).linux.rootfsPropagation, 'rslave');
  assert.equal(layout([bind('/a', '/a')]).linux.rootfsPropagation, undefined);
});

test('network files and host /dev/shm are plain binds, skipped where the user mounts the path', () => {
  const files = { hostname: '/c/hostname', hosts: '/c/hosts', resolvConf: '/c/resolv.conf' };
  assert.deepEqual(networkFileMounts(files, [], true).map((m) => [m.destination, m.readOnly]), [
    ['/etc/resolv.conf', true], ['/etc/hostname', true], ['/etc/hosts', true],
  ]);
  assert.deepEqual(networkFileMounts(files, [bind('/mine', '/etc/hosts')], false).map((m) => m.destination), ['/etc/resolv.conf', '/etc/hostname']);
  const s = layout([hostShmMount()], { ipcMode: 'host' });
  assert.deepEqual(s.mounts.filter((m) => m.destination === '/dev/shm'), [{ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] }]);
});

test('withInit puts the init binary at /sbin/docker-init in front of the args', () => {
  const s = composeSpec(defaultSpec(), (x) => { x.process.args = ['sleep', '1']; }, withInit('/usr/bin/catatonit'));
  assert.deepEqual(s.process.args, ['/sbin/docker-init', '--', 'sleep', '1']);
  assert.deepEqual(s.mounts.at(-1), { destination: '/sbin/docker-init', type: 'bind', source: '/usr/bin/catatonit', options: ['bind', 'ro'] });
});
