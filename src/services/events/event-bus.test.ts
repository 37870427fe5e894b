import test from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../core/events/engine-event.js';
import { FilterArgs } from '../filters/filter-args.js';
import { EventBus } from './event-bus.js';
import { eventMatches } from './event-filter.js';

function counterClock(): () => bigint {
  let t = 1_000n;
  return () => (t += 1_000n);
}

const imageEvent = (action: string, id = 'sha256:aaaa', name = 'busybox:latest'): Omit<EngineEvent, 'timeNano'> => ({
  type: 'image',
  action,
  actor: { id, attributes: { name } },
});

test('publish stamps strictly increasing times even when the clock stands still', () => {
  const bus = new EventBus({ clock: () => 5n });
  const seen: bigint[] = [];
  bus.subscribe({}, (e) => seen.push(e.timeNano));
  bus.publish(imageEvent('tag'));
  bus.publish(imageEvent('untag'));
  assert.deepEqual(seen, [5n, 6n]);
});

test('subscribe returns history only with since or until, bounded by both, oldest first', () => {
  const bus = new EventBus({ clock: counterClock() });
  for (const a of ['tag', 'untag', 'delete']) bus.publish(imageEvent(a));
  assert.deepEqual(bus.subscribe({}, () => {}).history, []);
  assert.deepEqual(bus.subscribe({ since: 0n }, () => {}).history.map((e) => e.action), ['tag', 'untag', 'delete']);
  assert.deepEqual(bus.subscribe({ since: 3000n, until: 3000n }, () => {}).history.map((e) => e.action), ['untag']);
  assert.deepEqual(bus.subscribe({ until: 2500n }, () => {}).history.map((e) => e.action), ['tag']);
});

test('the history ring keeps only the newest events', () => {
  const bus = new EventBus({ historySize: 2, clock: counterClock() });
  for (const a of ['a', 'b', 'c']) bus.publish(imageEvent(a));
  assert.deepEqual(bus.subscribe({ since: 0n }, () => {}).history.map((e) => e.action), ['b', 'c']);
});

test('listeners get matching events until they unsubscribe; a throwing listener is dropped', () => {
  const bus = new EventBus();
  const got: string[] = [];
  const sub = bus.subscribe({ filters: FilterArgs.of({ event: ['tag'] }) }, (e) => got.push(e.action));
  bus.subscribe({}, () => {
    throw new Error('broken');
  });
  assert.equal(bus.listenerCount, 2);
  bus.publish(imageEvent('tag'));
  bus.publish(imageEvent('untag'));
  assert.equal(bus.listenerCount, 1);
  sub.unsubscribe();
  bus.publish(imageEvent('tag'));
  assert.deepEqual(got, ['tag']);
});

test('eventMatches applies type, event, image, container and label filters as dockerd', () => {
  const ev: EngineEvent = { type: 'image', action: 'tag', actor: { id: 'sha256:abcd', attributes: { name: 'myorg/tools:1.0', maintainer: 'me' } }, timeNano: 1n };
  const m = (f: Record<string, string[]>): boolean => eventMatches(FilterArgs.of(f), ev);
  assert.equal(m({}), true);
  assert.equal(m({ type: ['image'] }), true);
  assert.equal(m({ type: ['container'] }), false);
  assert.equal(m({ event: ['tag', 'untag'] }), true);
  assert.equal(m({ event: ['delete'] }), false);
  assert.equal(m({ image: ['myorg/tools'] }), true);
  assert.equal(m({ image: ['myorg/tools:1.0'] }), true);
  assert.equal(m({ image: ['sha256:abcd'] }), true);
  assert.equal(m({ image: ['busybox'] }), false);
  assert.equal(m({ label: ['maintainer=me'] }), true);
  assert.equal(m({ label: ['maintainer=you'] }), false);
  assert.equal(m({ container: ['sha256:ab'] }), true);
  assert.equal(m({ container: ['zz'] }), false);
  const execEv: EngineEvent = { type: 'container', action: 'exec_start: sh -c ls', actor: { id: 'c1', attributes: { image: 'busybox' } }, timeNano: 1n };
  assert.equal(eventMatches(FilterArgs.of({ event: ['exec_start'] }), execEv), true);
  assert.equal(eventMatches(FilterArgs.of({ image: ['busybox'] }), execEv), true);
});
