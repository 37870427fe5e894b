import test from 'node:test';
import assert from 'node:assert/strict';
import { detectHostFacts, parseOsRelease } from './host-facts.js';
import { engineIdOf, systemInfo, NO_CONTAINERS } from './info.js';
import { parseDiskUsageTypes } from './df.js';
import type { SystemFacts } from './system-facts.js';

test('parseOsRelease reads quoted and bare values and skips noise', () => {
  const r = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME=Debian\nVERSION_ID=\'12\'\n# comment\n\nbroken line\n');
  assert.deepEqual(r, { PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)', NAME: 'Debian', VERSION_ID: '12' });
});

test('detectHostFacts reports this machine', async () => {
  const h = await detectHostFacts();
  assert.ok(h.ncpu >= 1 && h.memTotal > 0);
  assert.equal(h.osType, 'linux');
  assert.ok(['1', '2'].includes(h.cgroupVersion));
  assert.ok(h.hostname.length > 0 && h.kernelVersion.length > 0 && h.architecture.length > 0);
});

const facts: SystemFacts = {
  version: '1.0.0',
  dataRoot: '/var/lib/wharf',
  host: { hostname: 'h', ncpu: 1, memTotal: 1, kernelVersion: 'k', operatingSystem: 'o', osVersion: '1', osType: 'linux', architecture: 'x86_64', cgroupVersion: '2' },
};

test('engineIdOf is stable per host and data root, UUID-shaped, and a configured ID wins', () => {
  assert.equal(engineIdOf(facts), engineIdOf({ ...facts }));
  assert.notEqual(engineIdOf(facts), engineIdOf({ ...facts, dataRoot: '/other' }));
  assert.match(engineIdOf(facts), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(engineIdOf({ ...facts, engineId: 'fixed' }), 'fixed');
});

test('systemInfo gathers counts from its hooks', async () => {
  const info = await systemInfo({ facts, imageCount: async () => 3, containers: NO_CONTAINERS, eventListeners: () => 2 });
  assert.equal(info.images, 3);
  assert.deepEqual(info.containers, { running: 0, paused: 0, stopped: 0 });
  assert.equal(info.eventListeners, 2);
});

test('parseDiskUsageTypes: none means all, unknown is refused', () => {
  assert.equal(parseDiskUsageTypes([]).size, 4);
  assert.deepEqual([...parseDiskUsageTypes(['image'])], ['image']);
  assert.throws(() => parseDiskUsageTypes(['image', 'bogus']), { message: 'unknown object type: bogus' });
});
