import { GraphQLError } from 'graphql';
import { createSchema, createYoga, Repeater } from 'graphql-yoga';
import { describe, expect, it, vi } from 'vitest';
import type { GatewayContext } from './context.ts';
import { SUBSCRIBER_BACKLOG } from './pubsub.ts';
import { broadcastable, useSharedSubscriptionExecution } from './shared-subscriptions.ts';
import { openSubscription } from './testing.ts';

interface Tick {
  n: number;
}

/**
 * A tiny schema whose per-event resolver counts how often it runs and shows who asked, and a
 * finite subscription whose events carry both kinds of error Yoga rewrites before sending.
 * With `broadcast`, both sources say that subscribers of the same request may share one copy.
 */
function fixture({ shared = true, broadcast = false } = {}) {
  const mark = <Item>(source: AsyncIterable<Item>, shareKey: string) =>
    broadcast ? broadcastable(source, shareKey) : source;
  const listeners = new Set<(tick: Tick) => void>();
  const executions: number[] = [];
  const schema = createSchema<Pick<GatewayContext, 'viewer'>>({
    typeDefs: /* GraphQL */ `
      type Query { ok: Boolean }
      type Tick { n: Int!, times: Int!, seenBy: String }
      type Countdown { n: Int!, check: Boolean }
      type Subscription { ticks(times: Int! = 1): Tick!, countdown(from: Int!): Countdown! }
    `,
    resolvers: {
      Subscription: {
        ticks: {
          // Every subscriber has its own source, fed the same event object, as pubsub.ts does.
          subscribe: () =>
            mark(
              new Repeater<Tick>(async (push, stop) => {
                const listener = (tick: Tick) => void push(tick);
                listeners.add(listener);
                await stop;
                listeners.delete(listener);
              }),
              'every tick',
            ),
          resolve: (tick: Tick, args: { times: number }) => {
            executions.push(tick.n);
            return { n: tick.n, times: tick.n * args.times };
          },
        },
        countdown: {
          subscribe: (_root: unknown, args: { from: number }) =>
            mark(
              (async function* () {
                for (let n = args.from; n > 0; n--) yield { n };
              })(),
              'countdown',
            ),
          resolve: (event: { n: number }) => event,
        },
      },
      Countdown: {
        check: ({ n }: { n: number }) => {
          // A bug, masked with an `unexpected` mark, and a refusal carrying an HTTP status.
          if (n === 2) throw new Error('internal detail');
          if (n === 1)
            throw new GraphQLError('refused', { extensions: { code: 'REFUSED', http: { status: 403 } } });
          return true;
        },
      },
      Tick: {
        seenBy: (_tick: Tick, _args: unknown, context: Pick<GatewayContext, 'viewer'>) =>
          context.viewer?.userId ?? null,
      },
    },
  });
  const yoga = createYoga({
    schema,
    plugins: shared ? [useSharedSubscriptionExecution()] : [],
    logging: false,
    context: ({ request }): Pick<GatewayContext, 'viewer'> => {
      const user = request.headers.get('x-user');
      return {
        viewer: user
          ? { userId: user, role: 'VIEWER', agencyId: null, via: 'api_key', canWrite: false }
          : null,
      };
    },
  });
  const open = (query: string, options: { user?: string; variables?: Record<string, unknown> } = {}) =>
    openSubscription(
      async (url, init) =>
        yoga.fetch(url, {
          ...init,
          headers: {
            ...(init.headers as Record<string, string>),
            ...(options.user ? { 'x-user': options.user } : {}),
          },
          body: JSON.stringify({ ...JSON.parse(String(init.body)), variables: options.variables ?? {} }),
        }),
      'http://gateway.test/graphql',
      query,
    );
  const publish = (tick: Tick) => {
    for (const listener of listeners) listener(tick);
  };
  const eventStream = (query: string) =>
    yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query }),
    });
  return { open, publish, executions, eventStream, listening: () => listeners.size };
}

const query = 'subscription ($times: Int!) { ticks(times: $times) { times seenBy } }';

describe.each([
  { mode: 'each subscriber its own source', broadcast: false },
  { mode: 'a broadcast source', broadcast: true },
])('shared subscription execution, $mode', ({ broadcast }) => {
  it('executes an event once for all subscribers of the same request, each getting every event in order', async () => {
    const { open, publish, executions } = fixture({ broadcast });
    const sharedQuery = 'subscription { ticks { n times } }';
    const streams = await Promise.all([open(sharedQuery), open(sharedQuery), open(sharedQuery)]);
    publish({ n: 1 });
    publish({ n: 2 });
    for (const stream of streams) {
      expect(await stream.next()).toEqual({ data: { ticks: { n: 1, times: 1 } } });
      expect(await stream.next()).toEqual({ data: { ticks: { n: 2, times: 2 } } });
    }
    // Two events, three subscribers: two executions, not six.
    expect(executions).toHaveLength(2);
    for (const stream of streams) stream.close();
  });

  it('executes separately for other variables and for another viewer', async () => {
    const { open, publish, executions } = fixture({ broadcast });
    const anonymous = await open(query, { variables: { times: 1 } });
    const anonymousTwice = await open(query, { variables: { times: 2 } });
    const ana = await open(query, { variables: { times: 1 }, user: 'ana' });
    const budi = await open(query, { variables: { times: 1 }, user: 'budi' });
    const again = await open(query, { variables: { times: 1 }, user: 'ana' });
    publish({ n: 3 });
    expect(await anonymous.next()).toEqual({ data: { ticks: { times: 3, seenBy: null } } });
    expect(await anonymousTwice.next()).toEqual({ data: { ticks: { times: 6, seenBy: null } } });
    expect(await ana.next()).toEqual({ data: { ticks: { times: 3, seenBy: 'ana' } } });
    expect(await budi.next()).toEqual({ data: { ticks: { times: 3, seenBy: 'budi' } } });
    expect(await again.next()).toEqual({ data: { ticks: { times: 3, seenBy: 'ana' } } });
    // Four distinct requests among five subscribers.
    expect(executions).toHaveLength(4);
    for (const stream of [anonymous, anonymousTwice, ana, budi, again]) stream.close();
  });

  it('keeps serving the others when the subscriber that executed an event first goes away', async () => {
    const { open, publish } = fixture({ broadcast });
    const sharedQuery = 'subscription { ticks { n } }';
    const first = await open(sharedQuery);
    const second = await open(sharedQuery);
    publish({ n: 1 });
    expect(await first.next()).toEqual({ data: { ticks: { n: 1 } } });
    first.close();
    publish({ n: 2 });
    expect(await second.next()).toEqual({ data: { ticks: { n: 1 } } });
    expect(await second.next()).toEqual({ data: { ticks: { n: 2 } } });
    second.close();
  });

  it('stops the source of a stream whose client went away', async () => {
    const { eventStream, publish, listening } = fixture({ broadcast });
    const reader = (await eventStream('subscription { ticks { n } }')).body?.getReader();
    if (!reader) throw new Error('no event stream');
    await reader.read(); // the opening keep-alive comment: the subscription runs
    publish({ n: 1 });
    await reader.read();
    expect(listening()).toBe(1);
    await reader.cancel();
    await vi.waitFor(() => expect(listening()).toBe(0));
  });

  it('sends the bytes and headers Yoga sends itself, errors included', async () => {
    const countdown = 'subscription { countdown(from: 3) { n check } }';
    const ours = await fixture({ broadcast }).eventStream(countdown);
    const yogas = await fixture({ shared: false, broadcast }).eventStream(countdown);
    const text = await ours.text();
    expect(text).toBe(await yogas.text());
    expect(ours.status).toBe(yogas.status);
    expect([...ours.headers]).toEqual([...yogas.headers]);
    // The events really carried the errors whose internals both leave out.
    expect(text).toContain('"code":"REFUSED"');
    expect(text).toContain('"code":"INTERNAL_SERVER_ERROR"');
    expect(text).not.toContain('unexpected');
    expect(text).not.toContain('403');
    expect(text.endsWith('event: complete\ndata:\n\n')).toBe(true);
  });

  it('writes the same encoded bytes to every stream of a shared result', async () => {
    const { eventStream, publish } = fixture({ broadcast });
    const sharedQuery = 'subscription { ticks { n } }';
    const readers = await Promise.all(
      [eventStream(sharedQuery), eventStream(sharedQuery)].map(async (response) => {
        const reader = (await response).body?.getReader();
        if (!reader) throw new Error('no event stream');
        await reader.read(); // the opening keep-alive comment: the subscription runs
        return reader;
      }),
    );
    publish({ n: 1 });
    const [first, second] = await Promise.all(readers.map(async (reader) => (await reader.read()).value));
    expect(new TextDecoder().decode(first)).toBe('event: next\ndata: {"data":{"ticks":{"n":1}}}\n\n');
    // One buffer, not an equal copy per subscriber.
    expect(second?.buffer).toBe(first?.buffer);
    expect(second?.byteOffset).toBe(first?.byteOffset);
    for (const reader of readers) await reader.cancel();
  });
});

describe('a broadcast source', () => {
  const fromFrames = (text: string) =>
    [...text.matchAll(/^data: (.+)$/gm)].map(
      (match) => (JSON.parse(match[1] ?? 'null') as { data: { ticks: Tick } }).data.ticks.n,
    );

  it('is read once for all subscribers of the same request, and stopped when the last leaves', async () => {
    const { eventStream, publish, listening } = fixture({ broadcast: true });
    const openReader = async (subscription: string) => {
      const reader = (await eventStream(subscription)).body?.getReader();
      if (!reader) throw new Error('no event stream');
      await reader.read(); // the opening keep-alive comment: the subscription runs
      return reader;
    };
    const sharedQuery = 'subscription { ticks { n } }';
    const readers = await Promise.all([
      openReader(sharedQuery),
      openReader(sharedQuery),
      openReader(sharedQuery),
    ]);
    const other = await openReader('subscription { ticks(times: 2) { times } }');
    // One copy of the source for the three, one for the other request.
    expect(listening()).toBe(2);
    publish({ n: 1 });
    const decoder = new TextDecoder();
    for (const reader of readers)
      expect(decoder.decode((await reader.read()).value)).toBe(
        'event: next\ndata: {"data":{"ticks":{"n":1}}}\n\n',
      );
    expect(decoder.decode((await other.read()).value)).toBe(
      'event: next\ndata: {"data":{"ticks":{"times":2}}}\n\n',
    );
    await other.cancel();
    await vi.waitFor(() => expect(listening()).toBe(1));
    await readers[0]?.cancel();
    await readers[1]?.cancel();
    expect(listening()).toBe(1);
    await readers[2]?.cancel();
    await vi.waitFor(() => expect(listening()).toBe(0));
  });

  it('drops the oldest events of a subscriber that stopped reading, and only its own', async () => {
    const { eventStream, open, publish } = fixture({ broadcast: true });
    const sharedQuery = 'subscription { ticks { n } }';
    const stalled = (await eventStream(sharedQuery)).body?.getReader();
    if (!stalled) throw new Error('no event stream');
    await stalled.read(); // the opening keep-alive comment: the subscription runs
    const reading = await open(sharedQuery);
    const published = SUBSCRIBER_BACKLOG * 20;
    for (let n = 1; n <= published; n++) {
      publish({ n });
      expect(await reading.next()).toEqual({ data: { ticks: { n } } });
    }
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes(`{"n":${published}}`)) text += decoder.decode((await stalled.read()).value);
    const received = fromFrames(text);
    expect(received.length).toBeLessThan(published);
    expect(received).toEqual(received.toSorted((a, b) => a - b));
    // The newest are all there: what was dropped came before them.
    expect(received.slice(-SUBSCRIBER_BACKLOG)).toEqual(
      Array.from({ length: SUBSCRIBER_BACKLOG }, (_, i) => published - SUBSCRIBER_BACKLOG + 1 + i),
    );
    await stalled.cancel();
    reading.close();
  });
});
