import test from 'node:test';
import assert from 'node:assert/strict';
import { WharfError } from '../../common/errors.js';
import type { FlagSpec } from './flag-spec.js';
import { parseFlags } from './parse-flags.js';
import { addFilter, toFilters } from './filters.js';
import { getTimestamp, parseGoDuration } from './timestamp.js';
import { platformParam } from './platform.js';

const FLAGS = [
  { name: 'all', short: 'a', type: 'bool', usage: '' },
  { name: 'quiet', short: 'q', type: 'bool', usage: '' },
  { name: 'interactive', short: 'i', type: 'bool', usage: '' },
  { name: 'tty', short: 't', type: 'bool', usage: '' },
  { name: 'human', short: 'H', type: 'bool', usage: '', default: true },
  { name: 'publish', short: 'p', type: 'list', usage: '' },
  { name: 'filter', short: 'f', type: 'filter', usage: '' },
  { name: 'format', type: 'string', usage: '' },
  { name: 'output', short: 'o', type: 'string', usage: '', default: 'x' },
  { name: 'platform', type: 'strings', usage: '' },
  { name: 'time', type: 'int', usage: '' },
] as const satisfies readonly FlagSpec[];

function usage(argv: string[], specs: readonly FlagSpec[] = FLAGS): string {
  try {
    parseFlags(argv, specs);
  } catch (err) {
    assert.ok(err instanceof WharfError);
    assert.equal(err.code, 'WHARF_CLI_USAGE');
    return err.message;
  }
  assert.fail(`expected a usage error for ${argv.join(' ')}`);
}

test('defaults apply when flags are absent', () => {
  const p = parseFlags([], FLAGS);
  assert.deepEqual(p.flags, { all: false, quiet: false, interactive: false, tty: false, human: true, publish: [], filter: [], format: '', output: 'x', platform: [], time: 0 });
  assert.equal(p.changed.size, 0);
  assert.equal(p.help, false);
});

test('long flags with a separate value or =value; booleans with =false', () => {
  const p = parseFlags(['--format', '{{.ID}}', '--output=a=b', '--all', '--human=false', '--time', '-5'], FLAGS);
  assert.equal(p.flags.format, '{{.ID}}');
  assert.equal(p.flags.output, 'a=b');
  assert.equal(p.flags.all, true);
  assert.equal(p.flags.human, false);
  assert.equal(p.flags.time, -5);
  assert.deepEqual([...p.changed].sort(), ['all', 'format', 'human', 'output', 'time']);
});

test('short flags: -f value, -fvalue, -f=value', () => {
  assert.deepEqual(parseFlags(['-f', 'a=1', '-fb=2', '-f=c=3'], FLAGS).flags.filter, ['a=1', 'b=2', 'c=3']);
  assert.equal(parseFlags(['-ofile'], FLAGS).flags.output, 'file');
  assert.equal(parseFlags(['-q=false'], FLAGS).flags.quiet, false);
});

test('bundled booleans, optionally ending in a valued flag', () => {
  const p = parseFlags(['-it', '-qa'], FLAGS);
  assert.equal(p.flags.interactive && p.flags.tty && p.flags.quiet && p.flags.all, true);
  const q = parseFlags(['-itp80:80', '-qf', 'dangling=true'], FLAGS);
  assert.deepEqual(q.flags.publish, ['80:80']);
  assert.deepEqual(q.flags.filter, ['dangling=true']);
  assert.equal(q.flags.interactive && q.flags.tty && q.flags.quiet, true);
});

test('repeated flags collect; strings split at commas; a repeated single value keeps the last', () => {
  const p = parseFlags(['-p', '1:1', '--publish=2:2', '--platform', 'linux/amd64,linux/arm64', '--platform=linux/386', '--format', 'a', '--format', 'b'], FLAGS);
  assert.deepEqual(p.flags.publish, ['1:1', '2:2']);
  assert.deepEqual(p.flags.platform, ['linux/amd64', 'linux/arm64', 'linux/386']);
  assert.equal(p.flags.format, 'b');
});

test('positionals interleave with flags; -- ends flags; a lone - is positional', () => {
  const p = parseFlags(['busybox', '-q', 'x', '--', '--all', '-q'], FLAGS);
  assert.deepEqual(p.args, ['busybox', 'x', '--all', '-q']);
  assert.equal(p.flags.all, false);
  assert.deepEqual(parseFlags(['-'], FLAGS).args, ['-']);
  const ni = parseFlags(['-q', 'src', '-a'], FLAGS, { interspersed: false });
  assert.deepEqual(ni.args, ['src', '-a']);
  assert.equal(ni.flags.all, false);
});

test('--help is always help; -h is help unless the command defines -h', () => {
  assert.equal(parseFlags(['--help'], FLAGS).help, true);
  assert.equal(parseFlags(['-h'], FLAGS).help, true);
  assert.equal(parseFlags(['-qh'], FLAGS).help, true);
  assert.equal(parseFlags(['--help=false'], FLAGS).help, false);
  const withHost = [{ name: 'hostname', short: 'h', type: 'string', usage: '' }] as const;
  const p = parseFlags(['-h', 'box', '--help'], withHost);
  assert.equal(p.flags.hostname, 'box');
  assert.equal(p.help, true);
});

test('errors carry pflag wording', () => {
  assert.equal(usage(['--foo']), 'unknown flag: --foo');
  assert.equal(usage(['--foo=bar']), 'unknown flag: --foo');
  assert.equal(usage(['-x']), "unknown shorthand flag: 'x' in -x");
  assert.equal(usage(['-qx']), "unknown shorthand flag: 'x' in -x");
  assert.equal(usage(['--format']), 'flag needs an argument: --format');
  assert.equal(usage(['-qf']), "flag needs an argument: 'f' in -f");
  assert.equal(usage(['--all=maybe']), 'invalid argument "maybe" for "-a, --all" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
  assert.equal(usage(['--time', 'soon']), 'invalid argument "soon" for "--time" flag: strconv.ParseInt: parsing "soon": invalid syntax');
  assert.equal(usage(['-f', 'dangling']), 'invalid argument "dangling" for "-f, --filter" flag: bad format of filter (expected name=value)');
});

test('filters: keys lower-cased and trimmed, values collected per key', () => {
  const f = toFilters([' Dangling = true', 'label=a', 'label=b', 'label=a']);
  assert.deepEqual(f, { dangling: ['true'], label: ['a', 'b'] });
  assert.deepEqual(addFilter(f, 'reference', 'busybox'), { dangling: ['true'], label: ['a', 'b'], reference: ['busybox'] });
});

test('timestamps for --since/--until: durations, dates, unix times', () => {
  const now = Date.UTC(2024, 0, 1, 12, 0, 0);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(getTimestamp('10m', now), String(now / 1000 - 600));
  assert.equal(getTimestamp('2024-01-01T10:00:00Z', now), '1704103200.000000000');
  assert.equal(getTimestamp('2024-01-01T10:00:00.5+01:00', now), '1704099600.500000000');
  assert.equal(getTimestamp('1700000000', now), '1700000000');
  assert.equal(getTimestamp('1700000000.5', now), '1700000000.5');
  assert.throws(() => getTimestamp('yesterday', now), /failed to parse value as time or duration: "yesterday"/);
  assert.throws(() => getTimestamp('2024-13-45', now), /out of range/);
  assert.throws(() => getTimestamp('2023-02-29', now), /out of range/);
});

test('platforms become JSON OCI platforms; bad ones are refused', () => {
  assert.equal(platformParam('linux/amd64'), '{"architecture":"amd64","os":"linux"}');
  assert.equal(platformParam('linux/aarch64/v8'), '{"architecture":"arm64","os":"linux","variant":"v8"}');
  assert.equal(platformParam('linux'), '{"os":"linux"}');
  assert.equal(platformParam(''), undefined);
  assert.throws(() => platformParam('a/b/c/d'), /invalid platform/);
  assert.throws(() => platformParam('linux/'), /invalid platform/);
});
