/** EngineEventType is the kind of object an event is about, as Docker names them. */
export type EngineEventType = 'image' | 'container' | 'volume' | 'network' | 'daemon' | 'builder';

/**
 * EngineEvent is one event on the daemon's event bus, served by `GET /events` (`docker events`). Actions and
 * attributes use Docker's names (`tag`, `untag`, `delete`, `import`, `load`, `save`, `pull`, `push`; `name` for
 * the reference, labels as attributes) so clients that filter on them keep working.
 */
export interface EngineEvent {
  readonly type: EngineEventType;
  readonly action: string;
  readonly actor: { readonly id: string; readonly attributes: Readonly<Record<string, string>> };
  /** Nanoseconds since the epoch. */
  readonly timeNano: bigint;
}

/** EventSink is where services publish events; the event service implements it and fans out to subscribers. */
export interface EventSink {
  publish(event: Omit<EngineEvent, 'timeNano'>): void;
}
