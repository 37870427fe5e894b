import type { ContainerRecord, ContainerState, ContainerStatus } from './container-record.js';
import { notModified, notRunning, stateConflict } from './container-errors.js';

/**
 * ContainerEvent is a change of a container's run state. Every state change goes through `transition`, which
 * allows exactly the moves in TRANSITIONS (containerd's shim init_state.go idea):
 *
 * ```
 * created ──start──▶ running ◀──unpause── paused
 *    ▲                │  └──────pause──────▶ │
 *    │              exit ◀──────────────────exit
 *    │                ▼
 *    │             exited ──schedule-restart──▶ restarting ──start──▶ running
 *    │                ▲                          │
 *    │                └──────cancel-restart──────┘
 * start-failed keeps created/exited (restarting becomes exited); any state but removing ──remove──▶ removing
 * ──remove-failed──▶ dead.
 * ```
 */
export type ContainerEvent =
  | 'start'
  | 'start-failed'
  | 'pause'
  | 'unpause'
  | 'exit'
  | 'schedule-restart'
  | 'cancel-restart'
  | 'remove'
  | 'remove-failed';

/** TRANSITIONS is the state machine: for each event, the statuses it may start from. */
export const TRANSITIONS: Readonly<Record<ContainerEvent, readonly ContainerStatus[]>> = {
  start: ['created', 'exited', 'restarting'],
  'start-failed': ['created', 'exited', 'restarting'],
  pause: ['running'],
  unpause: ['paused'],
  exit: ['running', 'paused'],
  'schedule-restart': ['exited'],
  'cancel-restart': ['restarting'],
  remove: ['created', 'running', 'paused', 'restarting', 'exited', 'dead'],
  'remove-failed': ['removing'],
};

/** TransitionData carries what an event records: the pid and time of a start, the code and time of an exit. */
export interface TransitionData {
  readonly pid?: number;
  readonly at?: string;
  readonly exitCode?: number;
  readonly oomKilled?: boolean;
  readonly error?: string;
}

/** canTransition tells whether `event` is allowed from `status`. */
export function canTransition(status: ContainerStatus, event: ContainerEvent): boolean {
  return TRANSITIONS[event].includes(status);
}

function nextStatus(status: ContainerStatus, event: ContainerEvent): ContainerStatus {
  switch (event) {
    case 'start':
    case 'unpause':
      return 'running';
    case 'start-failed':
      return status === 'restarting' ? 'exited' : status;
    case 'pause':
      return 'paused';
    case 'exit':
    case 'cancel-restart':
      return 'exited';
    case 'schedule-restart':
      return 'restarting';
    case 'remove':
      return 'removing';
    case 'remove-failed':
      return 'dead';
  }
}

/**
 * transition applies `event` to a container's state and returns the new state. An event the current status does
 * not allow is refused with the Conflict Docker answers for it (see refusal).
 */
export function transition(id: string, state: ContainerState, event: ContainerEvent, data: TransitionData = {}): ContainerState {
  if (!canTransition(state.status, event)) throw refusal(id, state.status, event);
  const status = nextStatus(state.status, event);
  const now = data.at ?? new Date().toISOString();
  switch (event) {
    case 'start': {
      // compat: Docker's SetRunning clears the last exit code, error and OOM flag; FinishedAt is kept.
      const { health: _health, ...rest } = state;
      return { ...rest, status, pid: data.pid ?? 0, exitCode: 0, error: '', oomKilled: false, startedAt: now };
    }
    case 'exit':
      return { ...state, status, pid: 0, exitCode: data.exitCode ?? 0, oomKilled: data.oomKilled ?? false, finishedAt: now };
    case 'start-failed':
      // compat: Docker keeps the container in its state and records the error with exit code 127/126/128.
      return { ...state, status, pid: 0, exitCode: data.exitCode ?? 128, error: data.error ?? '' };
    case 'schedule-restart':
      return { ...state, status, restartCount: state.restartCount + 1 };
    default:
      return { ...state, status };
  }
}

/** refusal is the error Docker gives for an event that the status does not allow. */
export function refusal(id: string, status: ContainerStatus, event: ContainerEvent): Error {
  if (status === 'removing') return stateConflict(`removal of container ${id} is already in progress`);
  switch (event) {
    case 'start':
      if (status === 'running') return notModified('container already started');
      if (status === 'paused') return stateConflict('cannot start a paused container, try unpause instead');
      return stateConflict('container is marked for removal and cannot be started');
    case 'pause':
      if (status === 'paused') return stateConflict(`Container ${id} is already paused`);
      if (status === 'restarting') return restartingConflict(id);
      return notRunning(id);
    case 'unpause':
      return stateConflict(`Container ${id} is not paused`);
    default:
      return stateConflict(`Container ${id} cannot ${event} while ${status}`);
  }
}

const restartingConflict = (id: string): Error => stateConflict(`Container ${id} is restarting, wait until the container is running`);

/** checkStart refuses a start the container's state does not allow (304 when it already runs). */
export function checkStart(record: ContainerRecord): void {
  if (record.state.status === 'restarting') throw notModified('container already started');
  if (!canTransition(record.state.status, 'start')) throw refusal(record.id, record.state.status, 'start');
}

/**
 * checkStop refuses a stop of a container that is not running with 304 (Docker's "already stopped"); a restarting
 * container can be stopped (its pending restart is cancelled).
 */
export function checkStop(record: ContainerRecord): void {
  const s = record.state.status;
  if (s === 'removing') throw refusal(record.id, s, 'exit');
  if (s !== 'running' && s !== 'paused' && s !== 'restarting') throw notModified('container already stopped');
}

/**
 * checkKill refuses a kill of a container that is not running (409 "Container <id> is not running") and, for a
 * paused container, any signal but the stop signal and SIGKILL, which Docker delivers after thawing it.
 */
export function checkKill(record: ContainerRecord, thawsFirst: boolean): void {
  const s = record.state.status;
  if (s === 'restarting') throw restartingConflict(record.id);
  if (s === 'paused' && !thawsFirst) {
    throw stateConflict(`Container ${record.id} is paused, unpause the container before stopping or killing`);
  }
  if (s !== 'running' && s !== 'paused') throw notRunning(record.id);
}

/** checkRemove refuses removing a live container without force, with Docker's wording. */
export function checkRemove(record: ContainerRecord, force: boolean): void {
  const s = record.state.status;
  if (s === 'removing') throw refusal(record.id, s, 'remove');
  if (force) return;
  const name = `/${record.name}`;
  if (s === 'paused') {
    throw stateConflict(`cannot remove container "${name}": container is paused: unpause and then stop the container before attempting removal or force remove`);
  }
  if (s === 'running' || s === 'restarting') {
    throw stateConflict(`cannot remove container "${name}": container is ${s}: stop the container before removing or force remove`);
  }
}

/**
 * checkExec refuses an exec (or anything else that needs a live, unfrozen process: top, attach with stdin...)
 * in Docker's words: not running, paused, restarting.
 */
export function checkExec(record: ContainerRecord): void {
  const s = record.state.status;
  if (s === 'paused') throw stateConflict(`Container ${record.id} is paused, unpause the container before exec`);
  if (s === 'restarting') throw restartingConflict(record.id);
  if (s !== 'running') throw notRunning(record.id);
}
