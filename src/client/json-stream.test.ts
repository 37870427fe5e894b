import test from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { WharfError } from '../common/errors.js';
import { readJsonStream } from './json-stream.js';

async function all(chunks: (string | Buffer)[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of readJsonStream(Readable.from(chunks))) out.push(v);
  return out;
}

test('readJsonStream splits newline-delimited and concatenated JSON values', async () => {
  assert.deepEqual(await all(['{"a":1}\n{"b":"x}y"}', '{"c":[1,{"d":"\\"}"}]}\r\n']), [{ a: 1 }, { b: 'x}y' }, { c: [1, { d: '"}' }] }]);
  assert.deepEqual(await all(['1 2\n"s" true null', '\n[]7{"x":0}']), [1, 2, 's', true, null, [], 7, { x: 0 }]);
  assert.deepEqual(await all(['  \n']), []);
});

test('values split at any byte, multi-byte characters included, are reassembled', async () => {
  const text = Buffer.from('{"stream":"Loaded image: bücher:1\\n"}\n{"status":"ok"}');
  const pieces = [...text].map((b) => Buffer.from([b]));
  assert.deepEqual(await all(pieces), [{ stream: 'Loaded image: bücher:1\n' }, { status: 'ok' }]);
});

test('malformed JSON is an Internal WHARF_BAD_JSON_STREAM error', async () => {
  await assert.rejects(all(['{"a":1}\n{"a":}']), (e: unknown) => e instanceof WharfError && e.code === 'WHARF_BAD_JSON_STREAM');
});

test('bigIntKeys keeps integers beyond 2^53 exact', async () => {
  const out: unknown[] = [];
  const src = Readable.from(['{"time":1,"timeNano":1704067200123456789,"s":"\\"timeNano\\": 5"}']);
  for await (const v of readJsonStream(src, { bigIntKeys: ['timeNano'] })) out.push(v);
  assert.deepEqual(out, [{ time: 1, timeNano: 1704067200123456789n, s: '"timeNano": 5' }]);
});
