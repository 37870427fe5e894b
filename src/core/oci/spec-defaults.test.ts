import test from 'node:test';
import assert from 'node:assert/strict';
import { capabilityMask } from '../container/capabilities.js';
import { defaultSpec } from './spec-defaults.js';

test('the default spec has Docker\'s capabilities: CapEff 00000000a80425fb, empty inheritable and ambient', () => {
  const caps = defaultSpec().process.capabilities;
  assert.ok(caps);
  for (const set of [caps.bounding, caps.effective, caps.permitted]) {
    assert.equal(capabilityMask(set).toString(16).padStart(16, '0'), '00000000a80425fb');
  }
  assert.deepEqual(caps.inheritable, []);
  assert.deepEqual(caps.ambient, []);
});

test('the default spec has Docker\'s mounts, namespaces, masked and read-only paths and device rules', () => {
  const s = defaultSpec();
  assert.deepEqual(s.mounts.map((m) => `${m.destination}:${m.type}`), [
    '/proc:proc', '/dev:tmpfs', '/dev/pts:devpts', '/sys:sysfs', '/sys/fs/cgroup:cgroup', '/dev/mqueue:mqueue', '/dev/shm:tmpfs',
  ]);
  assert.deepEqual(s.mounts[2]?.options, ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']);
  assert.ok(s.mounts[3]?.options.includes('ro'), 'sysfs is read-only');
  assert.ok(s.mounts[4]?.options.includes('ro'), 'cgroup is read-only');
  assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['mount', 'network', 'uts', 'pid', 'ipc']);
  for (const p of ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
    '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap']) {
    assert.ok(s.linux.maskedPaths?.includes(p), p);
  }
  assert.deepEqual(s.linux.readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  const rules = s.linux.resources.devices.map((d) => `${d.allow ? 'allow' : 'deny'} ${d.type ?? 'a'} ${d.major ?? '*'}:${d.minor ?? '*'} ${d.access}`);
  assert.deepEqual(rules, [
    'deny a *:* rwm', 'allow c 1:5 rwm', 'allow c 1:3 rwm', 'allow c 1:9 rwm', 'allow c 1:8 rwm', 'allow c 5:0 rwm',
    'allow c 5:1 rwm', 'deny c 10:229 rwm',
  ]);
  assert.equal(s.linux.seccomp, undefined);
  assert.equal(s.process.rlimits, undefined, 'Docker sets no rlimits by default');
});

test('defaultSpec returns an independent copy every time', () => {
  const a = defaultSpec();
  a.mounts[0]?.options.push('changed');
  a.process.capabilities?.bounding.pop();
  const b = defaultSpec();
  assert.deepEqual(b.mounts[0]?.options, ['nosuid', 'noexec', 'nodev']);
  assert.equal(b.process.capabilities?.bounding.length, 14);
});
