import type { EventSink } from '../../core/events/engine-event.js';
import type { ContainerRuntime } from '../../core/runtime/container-runtime.js';
import type { ContainerLog } from './container-deps.js';
import { eventAttributes, type ContainerRecord } from './container-record.js';
import type { ContainerStore } from './container-store.js';

/**
 * StreamDeps is what the interactive container use-cases (attach, exec, resize, health checks, top, stats) use:
 * container lookup and health updates, the runtime's attach/exec/resize, the event bus and a logger. A narrow
 * slice of ContainerDeps, so tests give small fakes.
 */
export interface StreamDeps {
  readonly store: Pick<ContainerStore, 'get' | 'byId' | 'list' | 'update'>;
  readonly runtime: Pick<ContainerRuntime, 'attach' | 'state' | 'resize' | 'exec'>;
  readonly events: EventSink;
  readonly log: ContainerLog;
}

/** publishContainerEvent publishes a container event with Docker's attributes (labels, name, image) plus `extra`. */
export function publishContainerEvent(
  deps: Pick<StreamDeps, 'events'>,
  record: ContainerRecord,
  action: string,
  extra: Readonly<Record<string, string>> = {},
): void {
  deps.events.publish({ type: 'container', action, actor: { id: record.id, attributes: eventAttributes(record, extra) } });
}
