import test from 'node:test';
import assert from 'node:assert/strict';
import { formatGoTimeString, formatRfc3339, formatRfc3339NanoFixed } from './go-time.js';

// Go's time.Unix(...) formats in the local zone; Node re-reads TZ when it changes.
function inZone(t: test.TestContext, tz: string): void {
  const saved = process.env.TZ;
  process.env.TZ = tz;
  t.after(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}

test('Go time layouts in UTC', (t) => {
  inZone(t, 'UTC');
  assert.equal(formatRfc3339NanoFixed(1704067200000000005n), '2024-01-01T00:00:00.000000005Z');
  assert.equal(formatRfc3339(1704067200), '2024-01-01T00:00:00Z');
  assert.equal(formatGoTimeString(1704067200), '2024-01-01 00:00:00 +0000 UTC');
});

test('Go time layouts in a zone east of UTC', (t) => {
  inZone(t, 'Asia/Kolkata');
  assert.equal(formatRfc3339NanoFixed(1704067200123456789n), '2024-01-01T05:30:00.123456789+05:30');
  assert.equal(formatRfc3339(1704067200), '2024-01-01T05:30:00+05:30');
  assert.match(formatGoTimeString(1704067200), /^2024-01-01 05:30:00 \+0530 \S+$/);
});
