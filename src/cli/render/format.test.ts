import test from 'node:test';
import assert from 'node:assert/strict';
import { WharfError } from '../../common/errors.js';
import { prepareFormat, renderRows } from './format.js';

class Row {
  readonly #a: string;
  readonly #b: string;
  constructor(a: string, b: string) {
    this.#a = a;
    this.#b = b;
  }
  get A(): string {
    return this.#a;
  }
  get B(): string {
    return this.#b;
  }
}

const HEADER = { A: 'FIRST COLUMN', B: 'B' };
const ROWS = [new Row('x', 'long value'), new Row('yy', '')];

test('prepareFormat strips "table", expands json and the \\t \\n escapes', () => {
  assert.equal(prepareFormat('table {{.A}}\\t{{.B}}\\n'), '{{.A}}\t{{.B}}\n');
  assert.equal(prepareFormat('json'), '{{json .}}');
  assert.equal(prepareFormat('  {{.A}}  '), '{{.A}}');
});

test('plain-field tables and the template engine give the same table', async () => {
  const plain = await renderRows('table {{.A}}\\t{{ .B }}', ROWS, HEADER);
  const engine = await renderRows('table {{.A}}\\t{{print .B}}', ROWS, HEADER);
  assert.equal(plain, 'FIRST COLUMN   B\nx              long value\nyy             \n');
  assert.equal(engine, plain);
  assert.equal(await renderRows('{{.A}}-{{.B}}', ROWS, HEADER), 'x-long value\nyy-\n');
  assert.equal(await renderRows('table', [], HEADER), '\n');
});

test('an unknown field still fails like docker (through the template engine)', async () => {
  await assert.rejects(renderRows('{{.Nope}}', ROWS, HEADER), (e: unknown) => e instanceof WharfError && /can't evaluate field Nope in type \*Row/.test(e.message));
  assert.equal(await renderRows('table {{.Nope}}', [], HEADER), '<no value>\n');
});
