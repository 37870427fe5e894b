import test from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerConfig } from '../image/oci.js';
import { KNOWN_CAPABILITIES } from './capabilities.js';
import type { ContainerSpec } from './container-spec.js';
import { validateCreateRequest } from './create-config.js';
import { combineCommand, DEFAULT_PATH, mergeEnv, mergeImageConfig, processEnv, replaceOrAppendEnv } from './process-args.js';

const HOST = { cpuCount: 2, capabilities: KNOWN_CAPABILITIES, pathExists: () => true };
const specOf = (config: Record<string, unknown> = {}): ContainerSpec =>
  validateCreateRequest({ Image: 'img', ...config }, '1.50', HOST);

// Docker's docs, "Understand how CMD and ENTRYPOINT interact". Shell forms are stored as /bin/sh -c arrays by the
// builder, so the "/bin/sh -c exec_entry p1_entry" cells run with the CMD words as $0 $1 (sh ignores them).
const SHELL_ENTRY = ['/bin/sh', '-c', 'exec_entry p1_entry'];
const EXEC_ENTRY = ['exec_entry', 'p1_entry'];
const EXEC_CMD = ['exec_cmd', 'p1_cmd'];
const SHELL_CMD = ['/bin/sh', '-c', 'exec_cmd p1_cmd'];

test('the CMD/ENTRYPOINT matrix of Docker\'s documentation', () => {
  const rows: [string, string[] | undefined, string[] | undefined, string[] | 'error'][] = [
    ['no ENTRYPOINT, no CMD', undefined, undefined, 'error'],
    ['shell ENTRYPOINT, no CMD', SHELL_ENTRY, undefined, SHELL_ENTRY],
    ['exec ENTRYPOINT, no CMD', EXEC_ENTRY, undefined, EXEC_ENTRY],
    ['no ENTRYPOINT, exec CMD', undefined, EXEC_CMD, EXEC_CMD],
    ['shell ENTRYPOINT, exec CMD', SHELL_ENTRY, EXEC_CMD, [...SHELL_ENTRY, ...EXEC_CMD]],
    ['exec ENTRYPOINT, exec CMD', EXEC_ENTRY, EXEC_CMD, [...EXEC_ENTRY, ...EXEC_CMD]],
    ['no ENTRYPOINT, shell CMD', undefined, SHELL_CMD, SHELL_CMD],
    ['shell ENTRYPOINT, shell CMD', SHELL_ENTRY, SHELL_CMD, [...SHELL_ENTRY, ...SHELL_CMD]],
    ['exec ENTRYPOINT, shell CMD', EXEC_ENTRY, SHELL_CMD, [...EXEC_ENTRY, ...SHELL_CMD]],
  ];
  for (const [name, Entrypoint, Cmd, want] of rows) {
    const image: ContainerConfig = { ...(Entrypoint ? { Entrypoint } : {}), ...(Cmd ? { Cmd } : {}) };
    if (want === 'error') {
      assert.throws(() => combineCommand({}, image), { message: 'no command specified', code: 'WHARF_INVALID_CONTAINER_CONFIG' }, name);
    } else {
      assert.deepEqual(combineCommand({}, image).argv, want, name);
    }
  }
});

test('request Entrypoint and Cmd override the image as docker run does', () => {
  const image: ContainerConfig = { Entrypoint: ['/entry'], Cmd: ['default-arg'] };
  const cases: [string, Partial<ContainerSpec>, string[] | 'error'][] = [
    ['docker run img', {}, ['/entry', 'default-arg']],
    ['docker run img x', { cmd: ['x'] }, ['/entry', 'x']],
    ['--entrypoint sh: the image CMD is dropped', { entrypoint: ['sh'] }, ['sh']],
    ['--entrypoint sh img -c x', { entrypoint: ['sh'], cmd: ['-c', 'x'] }, ['sh', '-c', 'x']],
    ['--entrypoint "" img ls', { entrypoint: [''], cmd: ['ls'] }, ['ls']],
    ['--entrypoint "" img: nothing to run', { entrypoint: [''] }, 'error'],
    ['API Entrypoint []: image CMD without the image ENTRYPOINT', { entrypoint: [] }, ['default-arg']],
    ['API Entrypoint [] and Cmd', { entrypoint: [], cmd: ['y'] }, ['y']],
  ];
  for (const [name, own, want] of cases) {
    if (want === 'error') assert.throws(() => combineCommand(own, image), { message: 'no command specified' }, name);
    else assert.deepEqual(combineCommand(own, image).argv, want, name);
  }
  assert.deepEqual(combineCommand({ cmd: ['true'] }, undefined).argv, ['true'], 'no image config');
});

test('mergeImageConfig gives Docker\'s Path/Args, Env, WorkingDir, User, labels and ports', () => {
  const image: ContainerConfig = {
    Entrypoint: ['/docker-entrypoint.sh'], Cmd: ['nginx', '-g', 'daemon off;'], Env: ['PATH=/opt/bin:/usr/bin', 'A=image', 'B=image'],
    WorkingDir: '/srv', User: 'www', Labels: { a: 'image', b: 'image' }, ExposedPorts: { '80/tcp': {} },
    Volumes: { '/var/cache': {} }, StopSignal: 'SIGQUIT', Healthcheck: { Test: ['CMD', 'check'], Retries: 2 },
  };
  const m = mergeImageConfig(specOf({ Env: ['B=mine', 'C=mine'], Labels: { b: 'mine' }, ExposedPorts: { '443/tcp': {} } }), image);
  assert.equal(m.path, '/docker-entrypoint.sh');
  assert.deepEqual(m.args, ['nginx', '-g', 'daemon off;']);
  assert.deepEqual(m.env, ['B=mine', 'C=mine', 'PATH=/opt/bin:/usr/bin', 'A=image']);
  assert.equal(m.workingDir, '/srv');
  assert.equal(m.user, 'www');
  assert.deepEqual(m.labels, { a: 'image', b: 'mine' });
  assert.deepEqual(m.exposedPorts, ['443/tcp', '80/tcp']);
  assert.deepEqual(m.imageVolumes, ['/var/cache']);
  assert.equal(m.stopSignal, 'SIGQUIT');
  assert.equal(m.healthcheck?.retries, 2);

  const own = mergeImageConfig(specOf({ WorkingDir: '/w', User: '1000:1000', StopSignal: 'SIGINT', Cmd: ['x'] }), image);
  assert.equal(own.workingDir, '/w');
  assert.equal(own.user, '1000:1000');
  assert.equal(own.stopSignal, 'SIGINT');
  assert.equal(mergeImageConfig(specOf({ Cmd: ['x'] }), undefined).workingDir, '/');
  assert.equal(mergeImageConfig(specOf(), { Cmd: ['x'], WorkingDir: 'rel/dir/' }).workingDir, '/rel/dir');
});

test('mergeEnv uses the image Env only for keys the container did not set', () => {
  assert.deepEqual(mergeEnv([], ['A=1']), ['A=1']);
  assert.deepEqual(mergeEnv(['A'], ['A=1', 'B=2']), ['A', 'B=2']);
});

test('processEnv puts PATH, HOSTNAME and TERM first and lets the config override or unset them', () => {
  assert.deepEqual(processEnv([], 'abc', false), [`PATH=${DEFAULT_PATH}`, 'HOSTNAME=abc']);
  assert.deepEqual(processEnv(['PATH=/x', 'FOO=1'], 'abc', true), ['PATH=/x', 'HOSTNAME=abc', 'TERM=xterm', 'FOO=1']);
  assert.deepEqual(processEnv(['TERM=vt100', 'HOSTNAME'], 'abc', true), [`PATH=${DEFAULT_PATH}`, 'TERM=vt100']);
  assert.deepEqual(replaceOrAppendEnv(['A=1'], ['B']), ['A=1'], 'unsetting an unknown key changes nothing');
});
