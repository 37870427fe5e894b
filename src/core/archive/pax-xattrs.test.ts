import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePaxXattrs, xattrAllowed } from './pax-xattrs.js';
import { paxRecord } from './testing/tar-fixture.js';

test('parsePaxXattrs keeps SCHILY.xattr values as raw bytes and ignores other records', () => {
  const binary = Buffer.from([0, 0x80, 0xff, 0x0a, 0x3d, 0x20]);
  const buf = Buffer.concat([
    paxRecord('path', Buffer.from('a/very/long/name')),
    paxRecord('SCHILY.xattr.security.capability', binary),
    paxRecord('SCHILY.xattr.user.empty', Buffer.alloc(0)),
    paxRecord('SCHILY.xattr.', Buffer.from('nameless')),
    paxRecord('mtime', Buffer.from('1.5')),
  ]);
  const xattrs = parsePaxXattrs(buf);
  assert.deepEqual([...xattrs.keys()], ['security.capability', 'user.empty']);
  assert.deepEqual(xattrs.get('security.capability'), binary);
  assert.deepEqual(xattrs.get('user.empty'), Buffer.alloc(0));
});

test('parsePaxXattrs reads plain Uint8Arrays too (what a worker thread receives)', () => {
  const buf = paxRecord('SCHILY.xattr.user.a', Buffer.from([0xff]));
  const plain = new Uint8Array(buf.length);
  plain.set(buf);
  assert.deepEqual(parsePaxXattrs(plain).get('user.a'), Buffer.from([0xff]));
});

test('parsePaxXattrs tolerates trailing NUL padding and handles records longer than 99 bytes', () => {
  const long = Buffer.alloc(300, 0x61);
  const buf = Buffer.concat([paxRecord('SCHILY.xattr.user.long', long), Buffer.alloc(40)]);
  assert.deepEqual(parsePaxXattrs(buf).get('user.long'), long);
});

test('parsePaxXattrs: malformed records are WHARF_INVALID_LAYER', () => {
  const bad = [
    '99 path=x\n',
    'abc path=x\n',
    '12 path=abc',
    '0 x\n',
    '8 path\n\n',
    '5 a=b\n',
    '-7 a=bc\n',
  ];
  for (const text of bad) {
    assert.throws(() => parsePaxXattrs(Buffer.from(text)), { code: 'WHARF_INVALID_LAYER' }, JSON.stringify(text));
  }
});

test('xattrAllowed: user.*, file capabilities and POSIX ACLs; never trusted.* or other security.*', () => {
  for (const name of ['user.x', 'security.capability', 'system.posix_acl_access', 'system.posix_acl_default']) {
    assert.equal(xattrAllowed(name), true, name);
  }
  for (const name of ['trusted.overlay.opaque', 'trusted.overlay.redirect', 'security.selinux', 'security.ima', 'system.nfs4_acl', 'userx']) {
    assert.equal(xattrAllowed(name), false, name);
  }
});
