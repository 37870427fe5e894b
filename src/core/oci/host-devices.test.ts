import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deviceFromStat, hostDevices, resolveDeviceMapping, splitDev } from './host-devices.js';

test('splitDev decodes glibc dev_t numbers', () => {
  assert.deepEqual(splitDev(0x0103), { major: 1, minor: 3 });
  assert.deepEqual(splitDev(0x0a_e5), { major: 10, minor: 229 });
  assert.deepEqual(splitDev(0x8800), { major: 136, minor: 0 });
  // major 259, minor 65536: minor high bits live above bit 20.
  assert.deepEqual(splitDev((259n << 8n) | (0x10000n << 12n)), { major: 259, minor: 65536 });
  assert.deepEqual(splitDev((0x1000n << 32n) | 5n), { major: 4096, minor: 5 });
});

test('/dev/null is character device 1:3 on every Linux host', async () => {
  const dev = deviceFromStat(fs.statSync('/dev/null'), '/dev/null');
  assert.equal(dev?.type, 'c');
  assert.equal(dev?.major, 1);
  assert.equal(dev?.minor, 3);
  assert.equal(deviceFromStat(fs.statSync('/'), '/'), undefined);
  const mapped = await resolveDeviceMapping({ pathOnHost: '/dev/null', pathInContainer: '/dev/mynull', cgroupPermissions: 'rw' });
  assert.deepEqual(mapped.map((m) => [m.device.path, m.device.major, m.device.minor, m.cgroupPermissions]), [['/dev/mynull', 1, 3, 'rw']]);
});

test('hostDevices lists /dev devices without pts, shm or console', async () => {
  const devices = await hostDevices();
  assert.ok(devices.some((d) => d.path === '/dev/null' && d.major === 1 && d.minor === 3));
  assert.ok(!devices.some((d) => d.path.startsWith('/dev/pts/') || d.path === '/dev/console'));
});

test('resolveDeviceMapping refuses what is not a device, with Docker\'s message', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-dev-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'file'), '');
  for (const p of [path.join(dir, 'file'), path.join(dir, 'missing'), dir]) {
    await assert.rejects(resolveDeviceMapping({ pathOnHost: p, pathInContainer: '/dev/x', cgroupPermissions: 'rwm' }), {
      message: new RegExp(`^error gathering device information while adding custom device "${p}": `),
    });
  }
});
