import type { EngineEvent } from '../../core/events/engine-event.js';
import { parseReference, familiarName } from '../../common/reference.js';
import type { FilterArgs } from '../filters/filter-args.js';

/** EVENT_FILTERS are the filter keys `GET /events` accepts (the Engine API's documented list). */
export const EVENT_FILTERS = [
  'config',
  'container',
  'daemon',
  'event',
  'image',
  'label',
  'network',
  'node',
  'plugin',
  'scope',
  'secret',
  'service',
  'type',
  'volume',
] as const;

// compat: these event filters match by prefix because the actions carry a suffix ("exec_start: sh", moby #25798).
const PREFIX_ACTIONS = new Set(['health_status', 'exec_create', 'exec_start']);

function matchAction(filters: FilterArgs, action: string): boolean {
  if (filters.get('event').some((v) => PREFIX_ACTIONS.has(v))) return filters.fuzzyMatch('event', action);
  return filters.exactMatch('event', action);
}

/**
 * matchName matches an object filter (container=, volume=...) against the actor's ID or name, by prefix.
 * compat: as in dockerd the key does not restrict the event type; combine it with type= for that.
 */
function matchName(filters: FilterArgs, key: string, event: EngineEvent): boolean {
  const name = event.actor.attributes['name'] ?? '';
  return filters.fuzzyMatch(key, event.actor.id) || filters.fuzzyMatch(key, name);
}

function stripTag(image: string): string {
  try {
    return familiarName(parseReference(image));
  } catch {
    return image;
  }
}

// compat: image= matches image events by ID or name and container events by the image they run, with or without tag.
function matchImage(filters: FilterArgs, event: EngineEvent): boolean {
  if (!filters.contains('image')) return true;
  const id = event.actor.id;
  const name = event.actor.attributes[event.type === 'image' ? 'name' : 'image'] ?? '';
  return [id, name, stripTag(id), stripTag(name)].some((v) => filters.exactMatch('image', v));
}

/** eventMatches applies dockerd's event filter (daemon/events/filter.go): every given key must match. */
export function eventMatches(filters: FilterArgs, event: EngineEvent): boolean {
  const objectKeys = ['daemon', 'container', 'plugin', 'volume', 'network', 'node', 'service', 'secret', 'config'];
  return (
    matchAction(filters, event.action) &&
    filters.exactMatch('type', event.type) &&
    filters.exactMatch('scope', 'local') &&
    objectKeys.every((key) => matchName(filters, key, event)) &&
    matchImage(filters, event) &&
    filters.matchKVList('label', event.actor.attributes)
  );
}
