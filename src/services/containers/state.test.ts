import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataRootLayout } from '../../core/layout.js';
import { CONTAINER_STATUSES, initialState, type ContainerStatus } from './container-record.js';
import { canTransition, checkExec, checkKill, checkRemove, checkStart, checkStop, transition, TRANSITIONS, type ContainerEvent } from './state.js';
import { testId, testRecord } from './testing/records.js';

const layout = new DataRootLayout('/var/lib/wharf-test');
const ID = testId(7);
const rec = (status: ContainerStatus) => testRecord(layout, ID, 'web', { state: { status } });

test('transition follows the table and refuses everything else', () => {
  for (const event of Object.keys(TRANSITIONS) as ContainerEvent[]) {
    for (const status of CONTAINER_STATUSES) {
      const state = { ...initialState(), status };
      if (canTransition(status, event)) assert.doesNotThrow(() => transition(ID, state, event), `${status} --${event}`);
      else assert.throws(() => transition(ID, state, event), (e: { kind?: string }) => e.kind === 'Conflict' || e.kind === 'NotModified', `${status} --${event}`);
    }
  }
});

test('start records pid and time and clears the last exit; exit records code, time and OOM', () => {
  const exited = { ...initialState(), status: 'exited' as const, exitCode: 3, error: 'x', oomKilled: true };
  const running = transition(ID, exited, 'start', { pid: 42, at: '2026-01-01T00:00:00.000Z' });
  assert.deepEqual([running.status, running.pid, running.exitCode, running.error, running.oomKilled, running.startedAt], ['running', 42, 0, '', false, '2026-01-01T00:00:00.000Z']);
  const stopped = transition(ID, running, 'exit', { exitCode: 137, oomKilled: true, at: '2026-01-01T00:00:01.000Z' });
  assert.deepEqual([stopped.status, stopped.pid, stopped.exitCode, stopped.oomKilled, stopped.finishedAt], ['exited', 0, 137, true, '2026-01-01T00:00:01.000Z']);
  const restarting = transition(ID, stopped, 'schedule-restart');
  assert.deepEqual([restarting.status, restarting.restartCount], ['restarting', 1]);
  assert.equal(transition(ID, restarting, 'start-failed', { exitCode: 127, error: 'boom' }).status, 'exited');
  assert.equal(transition(ID, initialState(), 'start-failed', { exitCode: 127, error: 'boom' }).status, 'created');
});

test('refusals use Docker\'s wording', () => {
  assert.throws(() => checkStart(rec('running')), { kind: 'NotModified' });
  assert.throws(() => checkStart(rec('paused')), { kind: 'Conflict', message: 'cannot start a paused container, try unpause instead' });
  assert.throws(() => checkStart(rec('dead')), { kind: 'Conflict', message: 'container is marked for removal and cannot be started' });
  assert.throws(() => checkStop(rec('exited')), { kind: 'NotModified' });
  assert.throws(() => checkStop(rec('created')), { kind: 'NotModified' });
  assert.doesNotThrow(() => checkStop(rec('paused')));
  assert.throws(() => checkKill(rec('exited'), true), { kind: 'Conflict', message: `Container ${ID} is not running` });
  assert.throws(() => checkKill(rec('paused'), false), { kind: 'Conflict', message: `Container ${ID} is paused, unpause the container before stopping or killing` });
  assert.doesNotThrow(() => checkKill(rec('paused'), true));
  assert.throws(() => checkRemove(rec('running'), false), {
    kind: 'Conflict',
    message: 'cannot remove container "/web": container is running: stop the container before removing or force remove',
  });
  assert.doesNotThrow(() => checkRemove(rec('running'), true));
  assert.throws(() => checkRemove(rec('removing'), true), { kind: 'Conflict', message: `removal of container ${ID} is already in progress` });
  assert.throws(() => checkExec(rec('exited')), { message: `Container ${ID} is not running` });
  assert.throws(() => checkExec(rec('paused')), { message: `Container ${ID} is paused, unpause the container before exec` });
  assert.throws(() => transition(ID, { ...initialState(), status: 'paused' }, 'pause'), { message: `Container ${ID} is already paused` });
  assert.throws(() => transition(ID, { ...initialState(), status: 'exited' }, 'pause'), { message: `Container ${ID} is not running` });
  assert.throws(() => transition(ID, { ...initialState(), status: 'running' }, 'unpause'), { message: `Container ${ID} is not paused` });
});
