import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { GO_MODE, dockerAbsPath, encodePathStat, goFileMode, pathStatOf, rfc3339Nano, statName } from './container-path-stat.js';

test('goFileMode: Go os.FileMode bits for every file type and the special permission bits', () => {
  assert.equal(GO_MODE.dir, 2147483648);
  assert.equal(GO_MODE.symlink, 134217728);
  const cases: Array<[number, number]> = [
    [0o100644, 0o644],
    [0o040755, 2 ** 31 + 0o755],
    [0o120777, 2 ** 27 + 0o777],
    [0o020666, 2 ** 26 + 2 ** 21 + 0o666],
    [0o060660, 2 ** 26 + 0o660],
    [0o010600, 2 ** 25 + 0o600],
    [0o140755, 2 ** 24 + 0o755],
    [0o104755, 2 ** 23 + 0o755],
    [0o102755, 2 ** 22 + 0o755],
    [0o041777, 2 ** 31 + 2 ** 20 + 0o777],
  ];
  for (const [st, go] of cases) assert.equal(goFileMode(st), go, st.toString(8));
});

test('rfc3339Nano: Go RFC3339Nano in UTC, trailing zeros dropped', () => {
  assert.equal(rfc3339Nano(0n), '1970-01-01T00:00:00Z');
  assert.equal(rfc3339Nano(1_700_000_000_500_000_000n), '2023-11-14T22:13:20.5Z');
  assert.equal(rfc3339Nano(1_700_000_000_000_000_123n), '2023-11-14T22:13:20.000000123Z');
  assert.equal(rfc3339Nano(-1n), '1969-12-31T23:59:59.999999999Z');
});

test('dockerAbsPath and statName: Docker cleaning, trailing "/." and "/" kept, Base semantics', () => {
  const cases: Array<[string, string, string]> = [
    ['/etc/passwd', '/etc/passwd', 'passwd'],
    ['etc/passwd', '/etc/passwd', 'passwd'],
    ['/var/www/', '/var/www/', 'www'],
    ['/var/www/.', '/var/www/.', '.'],
    ['/var/./www', '/var/www', 'www'],
    ['/var/www/..', '/var', 'var'],
    ['/', '/', '/'],
    ['/.', '/.', '.'],
    ['.', '/.', '.'],
    ['//a//b//', '/a/b/', 'b'],
    ['/../../etc', '/etc', 'etc'],
  ];
  for (const [input, abs, name] of cases) {
    assert.equal(dockerAbsPath(input), abs, input);
    assert.equal(statName(input), name, input);
  }
});

test('encodePathStat: base64 JSON with Docker field names and order; pathStatOf from real stats', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-pstat-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'f'), 'abc');
  fs.utimesSync(path.join(dir, 'f'), 1_700_000_000, 1_700_000_000);
  fs.symlinkSync('f', path.join(dir, 'l'));
  const file = pathStatOf('f', fs.lstatSync(path.join(dir, 'f'), { bigint: true }), '');
  assert.equal(file.size, 3);
  assert.equal(file.mtime, '2023-11-14T22:13:20Z');
  assert.equal(file.mode & 0o777, fs.statSync(path.join(dir, 'f')).mode & 0o777);
  const link = pathStatOf('l', fs.lstatSync(path.join(dir, 'l')), '/f');
  assert.equal(link.mode & GO_MODE.symlink, GO_MODE.symlink);
  const dirStat = pathStatOf('d', fs.lstatSync(dir), '');
  assert.ok(dirStat.mode >= GO_MODE.dir);
  const header = encodePathStat({ name: 'www', size: 4096, mode: 2147484141, mtime: '2023-11-14T22:13:20Z', linkTarget: '' });
  assert.equal(
    Buffer.from(header, 'base64').toString(),
    '{"name":"www","size":4096,"mode":2147484141,"mtime":"2023-11-14T22:13:20Z","linkTarget":""}',
  );
});
