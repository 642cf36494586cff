import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayPubSub, publishPerTurn, SUBSCRIBER_BACKLOG } from './pubsub.ts';

describe('gateway pub/sub', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('delivers one event to many subscribers without a listener-leak warning', async () => {
    process.on('warning', onWarning);
    const pubsub = createGatewayPubSub();
    const subscriptions = Array.from({ length: 50 }, () => pubsub.subscribe('readingsCommitted'));
    // A subscription listens once its iteration starts.
    const nextEvents = subscriptions.map((subscription) => subscription.next());
    await new Promise((resolve) => setImmediate(resolve));
    const reading = { datastreamId: 1, time: new Date('2026-12-01T00:00:00Z'), value: 2.5 };
    pubsub.publish('readingsCommitted', [reading]);
    const events = await Promise.all(nextEvents);
    expect(events.map((event) => event.value)).toEqual(Array.from({ length: 50 }, () => [reading]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
    await Promise.all(subscriptions.map((subscription) => subscription.return()));
  });

  it('keeps the newest events for a subscriber that stopped reading, instead of throwing at the publisher', async () => {
    const pubsub = createGatewayPubSub();
    const stalled = pubsub.subscribe('readingsCommitted');
    const first = stalled.next();
    await new Promise((resolve) => setImmediate(resolve));
    const published = SUBSCRIBER_BACKLOG * 5;
    const reading = (value: number) => ({ datastreamId: 1, time: new Date(value * 1000), value });
    for (let value = 1; value <= published; value++) {
      expect(() => pubsub.publish('readingsCommitted', [reading(value)])).not.toThrow();
    }
    expect((await first).value).toEqual([reading(1)]);
    const rest: number[] = [];
    for (let i = 0; i < SUBSCRIBER_BACKLOG; i++) {
      const event = await stalled.next();
      rest.push(event.value?.[0]?.value ?? Number.NaN);
    }
    // The oldest were dropped; what remains ends with the newest event.
    expect(rest.at(-1)).toBe(published);
    expect(rest).toEqual(rest.toSorted((a, b) => a - b));
    await stalled.return();
  });

  it('ends a waiting subscriber at once when it is returned, and stops delivering to it', async () => {
    const pubsub = createGatewayPubSub();
    const leaving = pubsub.subscribe('readingsCommitted');
    const staying = pubsub.subscribe('readingsCommitted');
    const waiting = leaving.next();
    const stayingNext = staying.next();
    await leaving.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    const reading = { datastreamId: 1, time: new Date('2026-12-01T00:00:00Z'), value: 1 };
    pubsub.publish('readingsCommitted', [reading]);
    expect(await stayingNext).toEqual({ value: [reading], done: false });
    expect(await leaving.next()).toEqual({ value: undefined, done: true });
    await staying.return();
  });

  it('publishes what arrives in one turn of the event loop as one event, in arrival order', async () => {
    const published: number[][] = [];
    const publish = publishPerTurn<number>((items) => published.push(items));
    publish([1, 2]);
    publish([3]);
    publish([4, 5]);
    expect(published).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toEqual([[1, 2, 3, 4, 5]]);
    publish([6]);
    await new Promise((resolve) => setImmediate(resolve));
    publish([7]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toEqual([[1, 2, 3, 4, 5], [6], [7]]);
  });
});
