import test from 'node:test';
import assert from 'node:assert/strict';
import {
  assertsDirectory,
  getRebaseName,
  goAbs,
  goBase,
  goClean,
  goDir,
  goJoin,
  goPathError,
  preserveTrailingDotOrSeparator,
  resolveLocalPath,
  splitCpArg,
  splitPathDirEntry,
} from './cp-paths.js';

test('Go\'s filepath.Clean, Base, Dir, Join and Abs', () => {
  const clean: [string, string][] = [['', '.'], ['/', '/'], ['a/b/', 'a/b'], ['/a/./b/../c', '/a/c'], ['../x', '../x'], ['//a//b', '/a/b'], ['a/..', '.']];
  for (const [input, want] of clean) assert.equal(goClean(input), want, input);
  const base: [string, string][] = [['', '.'], ['/', '/'], ['/a/b/', 'b'], ['a', 'a'], ['/a/.', '.']];
  for (const [input, want] of base) assert.equal(goBase(input), want, input);
  const dir: [string, string][] = [['/a/b', '/a'], ['/a/b/', '/a/b'], ['a', '.'], ['/a', '/'], ['/', '/']];
  for (const [input, want] of dir) assert.equal(goDir(input), want, input);
  assert.equal(goJoin('/root', '/etc/passwd'), '/root/etc/passwd');
  assert.equal(goJoin('/root', '../../x'), '/x');
  assert.equal(goJoin('', ''), '');
  assert.equal(goAbs('x/./y/', '/cwd'), '/cwd/x/y');
  assert.equal(goAbs('/a/../b'), '/b');
});

test('docker cp path helpers keep trailing "/" and "/."', () => {
  assert.equal(preserveTrailingDotOrSeparator('/a/b', 'b/.'), '/a/b/.');
  assert.equal(preserveTrailingDotOrSeparator('/a/b', 'b/'), '/a/b/');
  assert.equal(preserveTrailingDotOrSeparator('/', './'), '/./');
  assert.equal(preserveTrailingDotOrSeparator('/a/b', 'b'), '/a/b');
  assert.equal(resolveLocalPath('site/.', '/w'), '/w/site/.');
  assert.equal(resolveLocalPath('site/', '/w'), '/w/site/');
  assert.equal(resolveLocalPath('.', '/w'), '/w/.');
  assert.deepEqual(splitPathDirEntry('/a/b/.'), ['/a/b', '.']);
  assert.deepEqual(splitPathDirEntry('/a/b/'), ['/a', 'b']);
  assert.deepEqual(splitPathDirEntry('/file'), ['/', 'file']);
  assert.ok(assertsDirectory('/x/'));
  assert.ok(assertsDirectory('/x/.'));
  assert.ok(!assertsDirectory('/x'));
  assert.deepEqual(getRebaseName('/a/link', '/a/target'), ['/a/target', 'link']);
  assert.deepEqual(getRebaseName('/a/link/.', '/a/target'), ['/a/target/.', '']);
  assert.deepEqual(getRebaseName('/a/link/', '/a/target'), ['/a/target/', 'link']);
  assert.deepEqual(getRebaseName('/a/same', '/b/same'), ['/b/same', '']);
});

test('splitCpArg is docker\'s (TestSplitCpArg)', () => {
  assert.deepEqual(splitCpArg('/abs/path:withcolon'), { container: '', path: '/abs/path:withcolon' });
  assert.deepEqual(splitCpArg('./relative:path'), { container: '', path: './relative:path' });
  assert.deepEqual(splitCpArg('relative/path'), { container: '', path: 'relative/path' });
  assert.deepEqual(splitCpArg('container:/opt/foo'), { container: 'container', path: '/opt/foo' });
  assert.deepEqual(splitCpArg('web:relative'), { container: 'web', path: 'relative' });
  assert.deepEqual(splitCpArg('-'), { container: '', path: '-' });
});

test('goPathError words errors as Go\'s PathError', () => {
  assert.equal(goPathError('lstat', '/x', Object.assign(new Error('x'), { code: 'ENOENT' })), 'lstat /x: no such file or directory');
  assert.equal(goPathError('open', '/y', Object.assign(new Error('weird'), { code: 'EWEIRD' })), 'open /y: weird');
});
