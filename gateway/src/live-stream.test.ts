import type { AlertEventNotice } from '@bisa/db/notifications.ts';
import { describe, expect, it } from 'vitest';
import { currentThenChanges } from './live-stream.ts';
import { createGatewayPubSub } from './pubsub.ts';

const notice = (alertId: string): AlertEventNotice => ({ alertId, eventId: '1', type: 'opened' });

describe('currentThenChanges', () => {
  it('sends the current values, then the selected events, and misses none published while reading them', async () => {
    const pubsub = createGatewayPubSub();
    const stream = currentThenChanges(
      pubsub.subscribe('alertChanged'),
      async () => {
        // Published while the current values are being read: must still come, after them.
        pubsub.publish('alertChanged', notice('between'));
        return ['a', 'b'];
      },
      async (event) => (event.alertId === 'skipped' ? [] : [event.alertId]),
    );
    const received: string[] = [];
    for await (const value of stream) {
      received.push(value);
      if (value === 'b') {
        pubsub.publish('alertChanged', notice('skipped'));
        pubsub.publish('alertChanged', notice('later'));
      }
      if (value === 'later') break;
    }
    expect(received).toEqual(['a', 'b', 'between', 'later']);
  });

  it('sends the marker between the current values and the first change, with their count', async () => {
    const pubsub = createGatewayPubSub();
    const stream = currentThenChanges(
      pubsub.subscribe('alertChanged'),
      async () => ['a', 'b'],
      async (event) => [event.alertId],
      (count) => ({ sent: count }),
    );
    const received: unknown[] = [];
    for await (const value of stream) {
      received.push(value);
      if (typeof value === 'object') pubsub.publish('alertChanged', notice('later'));
      if (value === 'later') break;
    }
    expect(received).toEqual(['a', 'b', { sent: 2 }, 'later']);
  });

  it('sends the marker with a count of 0 when nothing is current', async () => {
    const pubsub = createGatewayPubSub();
    const stream = currentThenChanges(
      pubsub.subscribe('alertChanged'),
      async () => [],
      async (event) => [event.alertId],
      (count) => ({ sent: count }),
    );
    expect(await stream.next()).toEqual({ done: false, value: { sent: 0 } });
    await stream.return(undefined);
  });

  it('stops listening as soon as it is returned, without waiting for another event', async () => {
    const pubsub = createGatewayPubSub();
    const selected: string[] = [];
    const stream = currentThenChanges(
      pubsub.subscribe('alertChanged'),
      async () => [],
      async (event) => {
        selected.push(event.alertId);
        return [event.alertId];
      },
    );
    const waiting = stream.next();
    await stream.return(undefined);
    expect(await waiting).toEqual({ done: true, value: undefined });
    pubsub.publish('alertChanged', notice('after'));
    expect(selected).toEqual([]);
  });
});
