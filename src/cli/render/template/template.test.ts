import test from 'node:test';
import assert from 'node:assert/strict';
import { WharfError } from '../../../common/errors.js';
import { compileTemplate } from './template.js';
import { marshalContext } from './go-json.js';

const run = (src: string, data: unknown = {}, missingKey: 'default' | 'error' = 'default'): string =>
  compileTemplate(src).execute(data, { missingKey });

function parseErr(src: string): string {
  try {
    compileTemplate(src);
  } catch (err) {
    assert.ok(err instanceof WharfError);
    assert.equal(err.code, 'WHARF_TEMPLATE_INVALID');
    return err.message;
  }
  assert.fail(`expected a parse error for ${src}`);
}

function execErr(src: string, data: unknown = {}, missingKey: 'default' | 'error' = 'default'): string {
  try {
    run(src, data, missingKey);
  } catch (err) {
    assert.ok(err instanceof WharfError);
    return err.message;
  }
  assert.fail(`expected an execution error for ${src}`);
}

class Row {
  get ID(): string {
    return 'abc';
  }
  get Size(): string {
    return '<1MB';
  }
  Label(name: string): string {
    return `label:${name}`;
  }
}

test('fields, nested fields, dot and variables', () => {
  assert.equal(run('{{.A}} {{.B.C}} {{.}}', { A: 'x', B: { C: 1 } }), 'x 1 map[A:x B:map[C:1]]');
  assert.equal(run('{{.Config.Cmd}}', { Config: { Cmd: ['sh', '-c', 'echo hi'] } }), '[sh -c echo hi]');
  assert.equal(run('{{$x := .A}}{{$x}}{{$x = "y"}}{{$x}}{{$.A}}', { A: 'a' }), 'aya');
  assert.equal(run('{{.Missing}}|{{.A.Missing}}', { A: {} }), '<no value>|<no value>');
  assert.equal(run('{{.N}} {{.F}} {{.T}} {{.Z}}', { N: 42, F: 1.5, T: true, Z: null }), '42 1.5 true <no value>');
});

test('docker field names reach JSON keys that differ in case (.ID for "Id", .Scope for "scope")', () => {
  assert.equal(run('{{.ID}} {{.Id}} {{.Scope}}', { Id: 'i', scope: 'local' }), 'i i local');
});

test('struct contexts: getters, methods with arguments, unknown fields are errors', () => {
  assert.equal(run('{{.ID}} {{.Label "x"}}', new Row()), 'abc label:x');
  assert.match(execErr('{{.Nope}}', new Row()), /^template: :1:2: executing "" at <\.Nope>: can't evaluate field Nope in type \*Row$/);
  assert.match(execErr('{{.A.B}}', { A: 'str' }), /can't evaluate field B in type string/);
});

test('missingkey=error reports absent map keys', () => {
  assert.match(execErr('{{.Nope}}', {}, 'error'), /map has no entry for key "Nope"/);
  assert.equal(run('{{.A}}', { A: 1 }, 'error'), '1');
});

test('if / else if / else, with, range with variables, break and continue', () => {
  const tmpl = '{{if eq .A "x"}}X{{else if .B}}B{{else}}none{{end}}';
  assert.equal(run(tmpl, { A: 'x' }), 'X');
  assert.equal(run(tmpl, { A: 'y', B: [1] }), 'B');
  assert.equal(run(tmpl, { A: 'y', B: [] }), 'none');
  assert.equal(run('{{with .A}}{{.B}}{{else}}empty{{end}}', { A: { B: 'in' } }), 'in');
  assert.equal(run('{{with .A}}{{.B}}{{else}}empty{{end}}', { A: null }), 'empty');
  assert.equal(run('{{range $i, $e := .L}}{{$i}}={{$e}};{{end}}', { L: ['a', 'b'] }), '0=a;1=b;');
  assert.equal(run('{{range $k, $v := .M}}{{$k}}={{$v}};{{end}}', { M: { b: 2, a: 1 } }), 'a=1;b=2;');
  assert.equal(run('{{range .L}}{{.}}{{else}}nothing{{end}}', { L: [] }), 'nothing');
  assert.equal(run('{{range .L}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}', { L: [1, 2, 3, 4, 5] }), '13');
});

test('trim markers and comments', () => {
  assert.equal(run('a  {{- .A -}}  b {{/* gone */}}c{{- /* also gone */ -}} d', { A: 'x' }), 'axb cd');
});

test('docker functions: json, join, split, upper, lower, title, pad, truncate', () => {
  assert.equal(run('{{json .}}', { A: '<x>', B: [1, 2], C: null }), '{"A":"<x>","B":[1,2],"C":null}');
  assert.equal(run('{{json .A}}', { A: ['x'] }), '["x"]');
  assert.equal(run('{{join .L ", "}}', { L: ['a', 'b'] }), 'a, b');
  assert.equal(run('{{split "a,b,c" ","}}'), '[a b c]');
  assert.equal(run('{{upper "aBc"}} {{lower "aBc"}} {{title "hello wOrld-x"}}'), 'ABC abc Hello WOrld-X');
  assert.equal(run('[{{pad "ab" 1 2}}][{{pad "" 1 2}}]'), '[ ab  ][]');
  assert.equal(run('{{truncate "abcdef" 3}} {{truncate "ab" 3}}'), 'abc ab');
});

test('Go builtins: printf, print, println, len, index, slice, and, or, not, comparisons', () => {
  assert.equal(run('{{printf "%s|%5d|%-4s|%q|%v|%05.2f|%x|%t|%%" "a" 42 "b" "c" 1.5 3.14159 255 true}}'), 'a|   42|b   |"c"|1.5|03.14|ff|true|%');
  assert.equal(run('{{printf "%d %s" "x"}}'), '%!d(string=x) %!s(MISSING)');
  assert.equal(run('{{.A | printf "%s!"}}', { A: 'hi' }), 'hi!');
  assert.equal(run('{{print 1 2 "x" 3}}|{{println "a" 1}}'), '1 2x3|a 1\n');
  assert.equal(run('{{len .L}} {{len "héllo"}} {{len .M}}', { L: [1, 2], M: { a: 1 } }), '2 6 1');
  assert.equal(run('{{index .L 1}} {{index .M "k"}}', { L: ['a', 'b'], M: { k: 'v' } }), 'b v');
  assert.equal(run('{{slice "hello" 1 3}}'), 'el');
  assert.equal(run('{{and 1 0 2}} {{or 0 "" "z"}} {{not true}} {{and 1 "x"}}'), '0 z false x');
  assert.equal(run('{{eq 1 1}} {{eq "a" "b" "a"}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}'), 'true true true true true true false');
  assert.equal(run('{{if eq .P nil}}nil{{end}}', { P: null }), 'nil');
});

test('execution errors name the failing node like Go', () => {
  assert.match(execErr('{{index .L 5}}', { L: [1] }), /executing "" at <index \.L 5>: error calling index: index out of range: 5/);
  assert.match(execErr('{{upper .N}}', { N: 3 }), /wrong type for value; expected string; got int64/);
  assert.match(execErr('{{range .S}}{{end}}', { S: 'str' }), /range can't iterate over str/);
  assert.match(execErr('{{eq "a" 1}}'), /incompatible types for comparison/);
  assert.match(execErr('{{len 3}}'), /error calling len: len of type int64/);
  assert.match(execErr('{{.A 1}}', { A: 'x' }), /A is not a method but has arguments/);
  assert.match(execErr('{{"x" | .A}}', {}), /A is not a method but has arguments/);
  assert.match(execErr('{{printf}}'), /wrong number of args for printf: want at least 1 got 0/);
});

test('parse errors use Go wording', () => {
  assert.equal(parseErr('{{.Foo'), 'template: :1: unclosed action');
  assert.equal(parseErr('{{if .A}}x'), 'template: :1: unexpected EOF');
  assert.equal(parseErr('x\n{{end}}'), 'template: :2: unexpected {{end}}');
  assert.equal(parseErr('{{nofunc .A}}'), 'template: :1: function "nofunc" not defined');
  assert.equal(parseErr('{{$y}}'), 'template: :1: undefined variable "$y"');
  assert.equal(parseErr('{{}}'), 'template: :1: missing value for command');
  assert.equal(parseErr('{{"abc}}'), 'template: :1: unterminated quoted string');
  assert.equal(parseErr('{{break}}'), 'template: :1: {{break}} outside {{range}}');
  assert.match(parseErr('{{define "x"}}{{end}}'), /not supported/);
});

test('table headers: header functions keep the column title, errors keep partial output', () => {
  const tmpl = compileTemplate('{{.ID}}\t{{upper .Size}}\t{{json .Size}}\t{{.Other}}');
  assert.equal(tmpl.executeHeader({ ID: 'IMAGE ID', Size: 'SIZE' }), 'IMAGE ID\tSIZE\tSIZE\t<no value>');
  assert.equal(compileTemplate('{{.ID}} {{index .ID 9}}').executeHeader({ ID: 'X' }), 'X ');
});

test('marshalContext is docker MarshalJSON: sorted getters, HTML escaped', () => {
  assert.equal(marshalContext(new Row()), '{"ID":"abc","Size":"\\u003c1MB"}');
  // A struct without MarshalJSON is encoded field by field, without HTML escaping (SetEscapeHTML(false)).
  assert.equal(run('{{json .}}', new Row()), '{"ID":"abc","Size":"<1MB"}');
  class Ctx extends Row {
    marshalJSON(): string {
      return marshalContext(this);
    }
  }
  assert.equal(run('{{json .}}', new Ctx()), '{"ID":"abc","Size":"\\u003c1MB"}');
});
