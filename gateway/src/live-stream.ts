import { Repeater } from 'graphql-yoga';

/**
 * A live field's stream: the current values first, then the values `select` makes of each event
 * (none skips it). Listening starts before `current()` is read, so a change committed
 * in between comes after the current values instead of being lost (it may repeat one of them).
 *
 * A Repeater rather than an async generator: a generator that waits for the next event cannot
 * be returned before that event arrives, so a client that went away would keep its listener,
 * and cost a query per event, until then. Returning a Repeater stops the source at once.
 *
 * `afterCurrent`, when given, makes one more value, sent between the current values and the
 * first change: a screen can then tell "nothing is open" from "not everything has come yet".
 */
export function currentThenChanges<Event, Value, Marker = never>(
  events: AsyncIterator<Event>,
  current: () => Promise<readonly Value[]>,
  select: (event: Event) => Promise<readonly Value[]>,
  afterCurrent?: (count: number) => Marker,
): Repeater<Value | Marker> {
  return new Repeater<Value | Marker>(async (push, stop) => {
    let stopped = false;
    const stopping = stop.then(async () => {
      stopped = true;
      await events.return?.();
    });
    try {
      const first = events.next();
      const values = await current();
      for (const value of values) {
        if (stopped) return;
        await push(value);
      }
      if (afterCurrent && !stopped) await push(afterCurrent(values.length));
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
