import test from 'node:test';
import assert from 'node:assert/strict';
import {
  capabilitiesFromMask,
  capabilityMask,
  DEFAULT_CAPABILITIES,
  effectiveCapabilities,
  KNOWN_CAPABILITIES,
  normalizeCapabilities,
} from './capabilities.js';

test('Docker\'s 14 default capabilities are CapEff 00000000a80425fb', () => {
  assert.equal(DEFAULT_CAPABILITIES.length, 14);
  assert.equal(capabilityMask(DEFAULT_CAPABILITIES).toString(16).padStart(16, '0'), '00000000a80425fb');
});

test('capability numbers follow the kernel (CAP_SYS_ADMIN = 21, CAP_CHECKPOINT_RESTORE = 40)', () => {
  assert.equal(KNOWN_CAPABILITIES.indexOf('CAP_SYS_ADMIN'), 21);
  assert.equal(KNOWN_CAPABILITIES.indexOf('CAP_CHECKPOINT_RESTORE'), 40);
  assert.equal(KNOWN_CAPABILITIES.length, 41);
  assert.equal(capabilityMask(KNOWN_CAPABILITIES), (1n << 41n) - 1n);
});

test('capabilitiesFromMask reads /proc/self/status hex masks', () => {
  assert.deepEqual(capabilitiesFromMask('00000000a80425fb').sort(), [...DEFAULT_CAPABILITIES].sort());
  const bnd = capabilitiesFromMask('000001fffeffffff');
  assert.equal(bnd.length, 40);
  assert.ok(!bnd.includes('CAP_SYS_RESOURCE'));
  assert.deepEqual(capabilitiesFromMask(0n), []);
});

test('normalizeCapabilities accepts any case, with or without CAP_, and ALL', () => {
  assert.deepEqual(normalizeCapabilities(['net_admin', 'CAP_SYS_TIME', 'all', 'Sys_Ptrace'], 'CapAdd', KNOWN_CAPABILITIES), [
    'CAP_NET_ADMIN', 'CAP_SYS_TIME', 'ALL', 'CAP_SYS_PTRACE',
  ]);
  assert.throws(() => normalizeCapabilities(['cap_nope'], 'CapDrop', KNOWN_CAPABILITIES), {
    message: 'invalid CapDrop: unknown capability: "CAP_NOPE"',
  });
});

test('effectiveCapabilities follows moby TweakCapabilities', () => {
  const all = KNOWN_CAPABILITIES;
  const cases: [string, string[], string[], boolean, string[]][] = [
    ['defaults', [], [], false, [...DEFAULT_CAPABILITIES]],
    ['add one', ['CAP_NET_ADMIN'], [], false, [...DEFAULT_CAPABILITIES, 'CAP_NET_ADMIN']],
    ['drop one', [], ['CAP_CHOWN'], false, DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_CHOWN')],
    ['drop ALL add one', ['CAP_NET_BIND_SERVICE'], ['ALL'], false, ['CAP_NET_BIND_SERVICE']],
    ['add ALL drop one', ['ALL'], ['CAP_SYS_ADMIN'], false, all.filter((c) => c !== 'CAP_SYS_ADMIN')],
    ['add ALL wins over drop ALL', ['ALL'], ['ALL'], false, [...all]],
    ['privileged ignores drops', [], ['ALL'], true, [...all]],
    ['add a default again', ['CAP_CHOWN'], [], false, [...DEFAULT_CAPABILITIES]],
  ];
  for (const [name, adds, drops, privileged, want] of cases) {
    assert.deepEqual(effectiveCapabilities(adds, drops, privileged, all), want, name);
  }
});
