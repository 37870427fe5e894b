import test from 'node:test';
import assert from 'node:assert/strict';
import { goFormatFixed, goFormatG } from './go-float.js';

test('goFormatG is fmt %.Ng', () => {
  assert.equal(goFormatG(4.26155, 3), '4.26');
  assert.equal(goFormatG(100, 3), '100');
  assert.equal(goFormatG(1000, 3), '1e+03');
  assert.equal(goFormatG(0.0001, 3), '0.0001');
  assert.equal(goFormatG(0.00001, 3), '1e-05');
  assert.equal(goFormatG(-2.5, 4), '-2.5');
  assert.equal(goFormatG(0, 3), '0');
  assert.equal(goFormatG(0.125, 2), '0.12');
  assert.equal(goFormatG(9.995, 3), '9.99');
  assert.equal(goFormatG(Number.POSITIVE_INFINITY, 3), '+Inf');
  assert.equal(goFormatG(Number.NaN, 3), 'NaN');
});

test('goFormatFixed is fmt %.Nf', () => {
  assert.equal(goFormatFixed(3.14159, 2), '3.14');
  assert.equal(goFormatFixed(0.5, 0), '0');
  assert.equal(goFormatFixed(1.5, 0), '2');
  assert.equal(goFormatFixed(0.05, 1), '0.1');
  assert.equal(goFormatFixed(0.0009, 2), '0.00');
  assert.equal(goFormatFixed(-1.25, 1), '-1.2');
  assert.equal(goFormatFixed(12, 3), '12.000');
});
