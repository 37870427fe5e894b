import test from 'node:test';
import assert from 'node:assert/strict';
import { FilterArgs } from './filter-args.js';
import { isInvalidArgument } from '../../common/errors.js';

test('fromJson reads the map form the docker CLI sends', () => {
  const f = FilterArgs.fromJson('{"dangling":{"true":true},"label":{"a=b":true,"c":true}}');
  assert.deepEqual(f.keys().sort(), ['dangling', 'label']);
  assert.deepEqual(f.get('label'), ['a=b', 'c']);
  assert.equal(f.getBool('dangling', false), true);
});

test('fromJson reads the legacy slice form', () => {
  const f = FilterArgs.fromJson('{"dangling":["false"],"reference":["busy*","x"]}');
  assert.equal(f.getBool('dangling', true), false);
  assert.deepEqual(f.get('reference'), ['busy*', 'x']);
});

test('fromJson treats empty, absent and null as no filters', () => {
  for (const raw of [null, undefined, '', 'null']) assert.deepEqual(FilterArgs.fromJson(raw).keys(), []);
});

test('fromJson rejects malformed JSON and wrong shapes with "invalid filter"', () => {
  for (const raw of ['{', '[]', '"x"', '{"a":"b"}', '{"a":{"b":"yes"}}', '{"a":[1]}', '{"a":["x"],"b":{"y":true}}']) {
    assert.throws(() => FilterArgs.fromJson(raw), (err: Error) => isInvalidArgument(err) && err.message === 'invalid filter', raw);
  }
});

test('validate names the first unknown key as dockerd does', () => {
  const f = FilterArgs.of({ dangling: ['true'], bogus: ['1'] });
  assert.throws(() => f.validate(['dangling']), { message: "invalid filter 'bogus'" });
  assert.doesNotThrow(() => FilterArgs.of({ dangling: ['1'] }).validate(['dangling']));
});

test('getBool accepts 1/true/0/false and rejects other or conflicting values', () => {
  assert.equal(FilterArgs.of({ d: ['1'] }).getBool('d', false), true);
  assert.equal(FilterArgs.of({ d: ['0'] }).getBool('d', true), false);
  assert.equal(FilterArgs.of({}).getBool('d', true), true);
  assert.throws(() => FilterArgs.of({ d: ['maybe'] }).getBool('d', false), { message: "invalid filter 'd=[maybe]'" });
  assert.throws(() => FilterArgs.of({ d: ['true', 'false'] }).getBool('d', false), { message: "invalid filter 'd=[true false]'" });
  assert.throws(() => FilterArgs.fromJson('{"d":{}}').getBool('d', false), { message: "invalid filter 'd'" });
  // compat: filter values are case-sensitive ("True" is not a boolean here, unlike query parameters).
  assert.throws(() => FilterArgs.of({ d: ['True'] }).getBool('d', false));
});

test('exactMatch, fuzzyMatch and matchKVList follow moby filters.Args', () => {
  const f = FilterArgs.of({ type: ['image'], container: ['abc'], label: ['a', 'b=2'] });
  assert.equal(f.exactMatch('type', 'image'), true);
  assert.equal(f.exactMatch('type', 'container'), false);
  assert.equal(f.exactMatch('absent', 'anything'), true);
  assert.equal(f.fuzzyMatch('container', 'abcdef'), true);
  assert.equal(f.fuzzyMatch('container', 'xabc'), false);
  assert.equal(f.matchKVList('label', { a: 'x', b: '2' }), true);
  assert.equal(f.matchKVList('label', { a: 'x', b: '3' }), false);
  assert.equal(f.matchKVList('label', { b: '2' }), false);
  assert.equal(f.matchKVList('label', {}), false);
  assert.equal(f.matchKVList('none', {}), true);
  // A map-form value set to false is present as a key but matches nothing.
  assert.equal(FilterArgs.fromJson('{"type":{"image":false}}').exactMatch('type', 'image'), false);
});
