import { Repeater } from 'graphql-yoga';

/**
 * A live field's stream: the current values first, then the values `select` makes of each event
 * (none skips it). Listening starts before `current()` is read, so a change committed
 * in between comes after the current values instead of being lost (it may repeat one of them).
 *
 * A Repeater rather than an async generator: a generator that waits for the next event cannot
 * be returned before that event arrives, so a client that went away would keep its listener,
 * and cost a query per event, until then. Returning a Repeater stops the source at once.
 */
export function currentThenChanges<Event, Value>(
  events: AsyncIterator<Event>,
  current: () => Promise<readonly Value[]>,
  select: (event: Event) => Promise<readonly Value[]>,
): Repeater<Value> {
  return new Repeater<Value>(async (push, stop) => {
    let stopped = false;
    const stopping = stop.then(async () => {
      stopped = true;
      await events.return?.();
    });
    try {
      const first = events.next();
      for (const value of await current()) {
        if (stopped) return;
        await push(value);
      }
      for (let result = await first; !result.done && !stopped; result = await events.next()) {
        for (const value of await select(result.value)) {
          if (stopped) return;
          await push(value);
        }
      }
    } finally {
      stop();
      await stopping;
    }
  });
}
