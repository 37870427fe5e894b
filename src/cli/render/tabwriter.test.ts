import test from 'node:test';
import assert from 'node:assert/strict';
import { TabWriter, displayWidth } from './tabwriter.js';

function table(text: string, minWidth = 10, padding = 3): string {
  const tw = new TabWriter(minWidth, padding);
  tw.write(text);
  return tw.flush();
}

test('columns are padded to the widest cell plus padding, with a minimum width', () => {
  const out = table('REPOSITORY\tTAG\tIMAGE ID\tSIZE\nbusybox\tlatest\taaaaaaaaaaaa\t4.26MB\n');
  assert.equal(out, 'REPOSITORY   TAG       IMAGE ID       SIZE\nbusybox      latest    aaaaaaaaaaaa   4.26MB\n');
});

test('the last cell of a line is not padded and a line without tabs ends the column block', () => {
  const out = table('a\tb\nfirst block only\nlonger cell\tc\n', 4, 1);
  assert.equal(out, 'a   b\nfirst block only\nlonger cell c\n');
});

test('empty cells still take their column width; text without a final newline is kept', () => {
  assert.equal(table('x\t\ty\n\tz\tw', 4, 1), 'x       y\n    z   w');
});

test('wide characters count two columns', () => {
  assert.equal(displayWidth('日本'), 4);
  assert.equal(table('日本\tx\nab\ty\n', 1, 1), '日本 x\nab   y\n');
});
