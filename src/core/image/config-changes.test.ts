import assert from 'node:assert/strict';
import test from 'node:test';
import { WharfError } from '../../common/errors.js';
import { processWord, processWords, splitWords } from './change-words.js';
import { applyConfigChanges } from './config-changes.js';
import { parseGoDuration, parseHealthcheck } from './healthcheck-change.js';
import { checkStopSignal } from './stop-signal.js';

const invalidChange = (message: RegExp) => (err: unknown): boolean =>
  err instanceof WharfError && err.kind === 'InvalidArgument' && err.code === 'WHARF_INVALID_CHANGE' && message.test(err.message);

test('CMD and ENTRYPOINT take exec and shell forms', () => {
  assert.deepEqual(applyConfigChanges({}, ['CMD ["/bin/sh", "-c", "echo hi"]']).Cmd, ['/bin/sh', '-c', 'echo hi']);
  assert.deepEqual(applyConfigChanges({}, ['CMD echo "hello world" $HOME']).Cmd, ['/bin/sh', '-c', 'echo "hello world" $HOME']);
  assert.deepEqual(applyConfigChanges({ Shell: ['/bin/bash', '-ec'] }, ['cmd ls']).Cmd, ['/bin/bash', '-ec', 'ls']);
  // Malformed JSON falls back to the shell form, as Docker's parser does.
  assert.deepEqual(applyConfigChanges({}, ['CMD ["a",]']).Cmd, ['/bin/sh', '-c', '["a",]']);
  const c = applyConfigChanges({ Cmd: ['old'] }, ['ENTRYPOINT ["/app"]']);
  assert.deepEqual(c.Entrypoint, ['/app']);
  assert.equal(c.Cmd, undefined, 'ENTRYPOINT clears an inherited CMD');
  const both = applyConfigChanges({}, ['CMD ["--help"]', 'ENTRYPOINT /app']);
  assert.deepEqual(both, { Cmd: ['--help'], Entrypoint: ['/bin/sh', '-c', '/app'] });
  assert.equal('ArgsEscaped' in applyConfigChanges({ ArgsEscaped: true }, ['CMD x']), false);
});

test('ENV and LABEL take key=value lists, the legacy form, quotes and expansion', () => {
  const c = applyConfigChanges({ Env: ['PATH=/bin', 'A=1'] }, [
    'ENV A=2 B="two words" C=\'$literal\'',
    'ENV PATH=$PATH:/usr/local/bin',
    'ENV LEGACY value with  spaces',
    'LABEL version="1.0" "com.example.key"=value maintainer=${A}',
    'LABEL legacy label value',
  ]);
  assert.deepEqual(c.Env, ['PATH=/bin:/usr/local/bin', 'A=2', 'B=two words', 'C=$literal', 'LEGACY=value with  spaces']);
  assert.deepEqual(c.Labels, { version: '1.0', 'com.example.key': 'value', maintainer: '2', legacy: 'label value' });
  assert.throws(() => applyConfigChanges({}, ['ENV A=1 B']), invalidChange(/can't find = in "B"/));
  assert.throws(() => applyConfigChanges({}, ['ENV']), invalidChange(/ENV requires at least one argument/));
  assert.throws(() => applyConfigChanges({}, ['LABEL =x']), invalidChange(/LABEL names can not be blank/));
  assert.throws(() => applyConfigChanges({}, ['ENV A="unterminated']), invalidChange(/double-quote/));
});

test('EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL and ONBUILD', () => {
  const c = applyConfigChanges({ Env: ['PORTS=8080 9090/udp'], WorkingDir: '/srv' }, [
    'EXPOSE 80 443/tcp 53/UDP 7000-7002 $PORTS 127.0.0.1:5000:5001',
    'VOLUME ["/data", "/logs"]',
    'VOLUME /cache /tmp/x',
    'USER app:app',
    'WORKDIR web',
    'WORKDIR ../api/./v1',
    'STOPSIGNAL SIGQUIT',
    'ONBUILD RUN echo hi',
  ]);
  assert.deepEqual(Object.keys(c.ExposedPorts ?? {}), ['80/tcp', '443/tcp', '53/udp', '7000/tcp', '7001/tcp', '7002/tcp', '8080/tcp', '9090/udp', '5001/tcp']);
  assert.deepEqual(Object.keys(c.Volumes ?? {}), ['/data', '/logs', '/cache', '/tmp/x']);
  assert.equal(c.User, 'app:app');
  assert.equal(c.WorkingDir, '/srv/api/v1');
  assert.equal(applyConfigChanges({ WorkingDir: '/srv' }, ['WORKDIR /abs//dir/']).WorkingDir, '/abs/dir');
  assert.equal(applyConfigChanges({}, ['WORKDIR /']).WorkingDir, '/');
  assert.equal(applyConfigChanges({}, ['WORKDIR rel/']).WorkingDir, '/rel');
  assert.equal(c.StopSignal, 'SIGQUIT');
  assert.deepEqual(c.OnBuild, ['RUN echo hi']);
  const bad: Array<[string, RegExp]> = [
    ['EXPOSE 70000', /invalid containerPort: 70000/],
    ['EXPOSE 80/foo', /invalid proto: foo/],
    ['EXPOSE 90-80', /invalid containerPort: 90-80/],
    ['EXPOSE abc', /invalid containerPort: abc/],
    ['VOLUME [""]', /can not be an empty string/],
    ['USER a b', /USER requires exactly one argument/],
    ['USER', /USER requires exactly one argument/],
    ['STOPSIGNAL SIGNOPE', /Invalid signal: SIGNOPE/],
    ['STOPSIGNAL 0', /Invalid signal: 0/],
    ['ONBUILD ONBUILD RUN x', /Chaining ONBUILD/],
    ['ONBUILD FROM x', /FROM isn't allowed as an ONBUILD trigger/],
  ];
  for (const [change, message] of bad) assert.throws(() => applyConfigChanges({}, [change]), invalidChange(message), change);
});

test('instructions Docker does not allow in changes are refused in its words', () => {
  for (const [change, word] of [['RUN apt-get update', 'run'], ['FROM scratch', 'from'], ['COPY a b', 'copy'], ['ADD x y', 'add'], ['MAINTAINER me', 'maintainer'], ['ARG X', 'arg'], ['SHELL ["/bin/bash"]', 'shell'], ['BOGUS', 'bogus']] as const) {
    assert.throws(() => applyConfigChanges({}, [change]), invalidChange(new RegExp(`^${word} is not a valid change command$`)), change);
  }
});

test('changes are parsed as a Dockerfile: comments, blank lines and continuations', () => {
  const c = applyConfigChanges({}, ['# a comment', '', 'ENV A=1 \\', '    B=2', 'CMD ["x"]']);
  assert.deepEqual(c.Env, ['A=1', 'B=2']);
  assert.deepEqual(c.Cmd, ['x']);
});

test('HEALTHCHECK takes NONE, options and CMD in both forms', () => {
  assert.deepEqual(parseHealthcheck('NONE'), { Test: ['NONE'] });
  assert.deepEqual(parseHealthcheck('--interval=30s --timeout=1m30s --start-period=500ms --start-interval=2s --retries=3 CMD curl -f http://localhost/'), {
    Test: ['CMD-SHELL', 'curl -f http://localhost/'], Interval: 30e9, Timeout: 90e9, StartPeriod: 5e8, StartInterval: 2e9, Retries: 3,
  });
  assert.deepEqual(applyConfigChanges({}, ['HEALTHCHECK CMD ["/check", "--fast"]']).Healthcheck, { Test: ['CMD', '/check', '--fast'] });
  const bad: Array<[string, RegExp]> = [
    ['NONE --x', /NONE takes no arguments/],
    ['--interval=5s NONE', /NONE takes no arguments/],
    ['--bogus=1 CMD x', /Unknown flag: bogus/],
    ['--interval CMD x', /Missing a value on flag: --interval/],
    ['--interval=10 CMD x', /invalid duration "10"/],
    ['--interval=1us CMD x', /cannot be less than 1ms/],
    ['--retries=-1 CMD x', /--retries cannot be negative \(-1\)/],
    ['RUN x', /Unknown type "RUN" in HEALTHCHECK \(try CMD\)/],
    ['CMD', /Missing command after HEALTHCHECK CMD/],
  ];
  for (const [args, message] of bad) assert.throws(() => parseHealthcheck(args), invalidChange(message), args);
});

test('Go durations parse like time.ParseDuration', () => {
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('1h2m3.5s'), 3723.5e9);
  assert.equal(parseGoDuration('250us'), 250e3);
  assert.equal(parseGoDuration('-1.5ms'), -1.5e6);
  assert.throws(() => parseGoDuration('1d'), invalidChange(/invalid duration/));
  assert.throws(() => parseGoDuration(''), invalidChange(/invalid duration/));
});

test('words: splitting keeps quotes, processing removes them and expands variables', () => {
  const env = (n: string): string | undefined => ({ A: 'x y', EMPTY: '' } as Record<string, string>)[n];
  assert.deepEqual(splitWords(` a="b c"  'd e' f\\ g `), ['a="b c"', "'d e'", 'f\\ g']);
  assert.equal(processWord('"$A"-${A}-\\$A-\'$A\'', env), 'x y-x y-$A-$A');
  assert.equal(processWord('${MISSING:-dflt} ${EMPTY:-e} ${EMPTY-e} ${A:+set} ${MISSING+set}', env), 'dflt e  set ');
  assert.deepEqual(processWords('$A "q r" z', env), ['x', 'y', 'q r', 'z']);
  assert.throws(() => processWord('${MISSING:?must be set}', env), invalidChange(/MISSING: must be set/));
  assert.throws(() => processWord('${A', env), invalidChange(/missing '}'/));
  assert.equal(processWord('a$', env), 'a$');
});

test('checkStopSignal accepts names and numbers', () => {
  for (const s of ['SIGTERM', 'term', 'KILL', '9', 'SIGRTMIN+3', 'RTMAX-1']) assert.equal(checkStopSignal(s), s);
  for (const s of ['', 'SIG', '-1', 'SIGFOO']) assert.throws(() => checkStopSignal(s), invalidChange(/Invalid signal/));
});
