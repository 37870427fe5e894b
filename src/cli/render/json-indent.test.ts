import test from 'node:test';
import assert from 'node:assert/strict';
import { indentJson } from './json-indent.js';

test('indentJson re-lays JSON as Go json.Indent with 4 spaces, keeping tokens verbatim', () => {
  const src = '[{"Id":"x","A":[],"B":{},"C":[1,2.50],"D":"a\\u003cb \\" ,:{"}]';
  assert.equal(
    indentJson(src, '    '),
    '[\n    {\n        "Id": "x",\n        "A": [],\n        "B": {},\n        "C": [\n            1,\n            2.50\n        ],\n        "D": "a\\u003cb \\" ,:{"\n    }\n]',
  );
});

test('indentJson without indent is json.Compact', () => {
  assert.equal(indentJson('[ {"a" : [ 1 , 2 ] ,\n "b":"x y"} ]'), '[{"a":[1,2],"b":"x y"}]');
});
