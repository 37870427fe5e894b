import type { components } from '../../api/types.gen.js';
import type { EngineEvent } from '../../core/events/engine-event.js';

type WireEvent = Omit<components['schemas']['EventMessage'], 'timeNano'> & {
  status?: string;
  id?: string;
  from?: string;
  /** Exact nanoseconds: a Number cannot hold them, so the serialiser writes the bigint's digits. */
  timeNano: bigint;
};

/**
 * toEvent translates an event to Docker's wire shape. compat: container and image events also carry the legacy
 * `status`/`id` (and `from` for containers) fields dockerd sends to API versions before 1.52.
 */
export function toEvent(e: EngineEvent): WireEvent {
  const legacy: Pick<WireEvent, 'status' | 'id' | 'from'> = {};
  if (e.type === 'container' || e.type === 'image') {
    legacy.status = e.action;
    legacy.id = e.actor.id;
    if (e.type === 'container') legacy.from = e.actor.attributes['image'] ?? '';
  }
  return {
    ...legacy,
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.actor.id, Attributes: { ...e.actor.attributes } },
    scope: 'local',
    time: Number(e.timeNano / 1_000_000_000n),
    timeNano: e.timeNano,
  };
}
