import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayPubSub } from './pubsub.ts';

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
});
