import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { createSchema, createYoga, Repeater } from 'graphql-yoga';
import { describe, expect, it, vi } from 'vitest';
import type { GatewayContext } from './context.ts';
import { SUBSCRIBER_BACKLOG } from './pubsub.ts';
import { broadcastable, useSharedSubscriptionExecution } from './shared-subscriptions.ts';
import { eventStreamRequest, openRawHttp, openSubscription } from './testing.ts';

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
  const stops = new Set<() => void>();
  const executions: number[] = [];
  // A bug, masked with an `unexpected` mark, and a refusal carrying an HTTP status.
  const check = ({ n }: { n: number }) => {
    if (n === 2) throw new Error('internal detail');
    if (n === 1)
      throw new GraphQLError('refused', { extensions: { code: 'REFUSED', http: { status: 403 } } });
    return true;
  };
  const schema = createSchema<Pick<GatewayContext, 'viewer'>>({
    typeDefs: /* GraphQL */ `
      type Query { ok: Boolean }
      type Tick { n: Int!, times: Int!, seenBy: String, check: Boolean, padding(bytes: Int!): String! }
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
                stops.add(stop);
                await stop;
                stops.delete(stop);
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
      Countdown: { check },
      Tick: {
        seenBy: (_tick: Tick, _args: unknown, context: Pick<GatewayContext, 'viewer'>) =>
          context.viewer?.userId ?? null,
        check,
        padding: (_tick: Tick, args: { bytes: number }) => 'x'.repeat(args.bytes),
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
  /** Ends every ticks source, as pubsub.ts's subscriptions end when the gateway stops. */
  const finish = () => {
    for (const stop of stops) stop();
  };
  return { yoga, open, publish, finish, executions, eventStream, listening: () => listeners.size };
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

/**
 * Serves a fixture's Yoga on a port as the gateway's server does (http.ts), and keeps what went
 * through each response's own `write`: Node frames and sends those itself.
 */
async function serve(yoga: ReturnType<typeof fixture>['yoga']) {
  const written: string[] = [];
  const server = createServer((req, res: ServerResponse) => {
    const write = res.write;
    res.write = function (this: ServerResponse, ...args: Parameters<typeof write>) {
      written.push(String(args[0]));
      return write.apply(this, args);
    } as typeof write;
    yoga(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    written,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Opens a raw connection, sends the subscription and waits for its opening comment. */
async function subscribeOver(port: number, query: string, httpVersion?: string) {
  const connection = openRawHttp(port);
  connection.send(eventStreamRequest(query, { httpVersion }));
  await connection.until(() => (connection.responses[0]?.frames.length ?? 0) > 0);
  return connection;
}

const framesOf = (connection: ReturnType<typeof openRawHttp>) => connection.responses[0]?.frames ?? [];

const nextFrame = (n: number) => `event: next\ndata: {"data":{"ticks":{"n":${n}}}}`;

describe('a broadcast over HTTP/1.1', () => {
  it('writes each event past the response as one valid chunk; the head, first comment and end go through it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { yoga, publish, finish } = fixture({ broadcast: true });
    const server = await serve(yoga);
    try {
      const sharedQuery = 'subscription { ticks { n } }';
      const streams = [
        await subscribeOver(server.port, sharedQuery),
        await subscribeOver(server.port, sharedQuery),
      ];
      publish({ n: 1 });
      publish({ n: 2 });
      await Promise.all(streams.map((stream) => stream.until(() => framesOf(stream).length === 3)));
      // The keep-alive comment, past the response as well.
      vi.advanceTimersByTime(12_000);
      await Promise.all(streams.map((stream) => stream.until(() => framesOf(stream).length === 4)));
      finish();
      await Promise.all(streams.map((stream) => stream.until(() => stream.responses[0]?.ended === true)));
      for (const stream of streams) {
        const [response] = stream.responses;
        expect(response?.status).toBe(200);
        expect(response?.headers['content-type']).toBe('text/event-stream');
        expect(response?.chunked).toBe(true);
        expect(response?.frames).toEqual([':', nextFrame(1), nextFrame(2), ':', 'event: complete\ndata:']);
      }
      // Through each response's own write: its opening comment only (the end is `end`'s).
      expect(server.written).toEqual([':\n\n', ':\n\n']);
      // The connection is still the HTTP server's: it answers the next request on it.
      const [first] = streams;
      const query = JSON.stringify({ query: '{ ok }' });
      first?.send(
        `POST /graphql HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: application/json\r\nContent-Length: ${query.length}\r\n\r\n${query}`,
      );
      await first?.until(() => first.responses[1]?.ended === true);
      expect(JSON.parse(first?.responses[1]?.text ?? '')).toEqual({ data: { ok: null } });
    } finally {
      vi.useRealTimers();
      server.close();
    }
  });

  it('sends over the wire what Yoga itself sends, errors masked per request', async () => {
    const countdownLike = 'subscription { ticks { n check } }';
    const runs = await Promise.all(
      [fixture({ broadcast: true }), fixture({ shared: false })].map(async ({ yoga, publish, finish }) => {
        const server = await serve(yoga);
        try {
          const stream = await subscribeOver(server.port, countdownLike);
          for (const n of [3, 2, 1]) {
            publish({ n });
            await stream.until(() => framesOf(stream).length === 5 - n);
          }
          finish();
          await stream.until(() => stream.responses[0]?.ended === true);
          return stream.responses[0];
        } finally {
          server.close();
        }
      }),
    );
    const [ours, yogas] = runs;
    const { date: _date, ...ourHeaders } = ours?.headers ?? {};
    const { date: _yogaDate, ...yogaHeaders } = yogas?.headers ?? {};
    expect(ourHeaders).toEqual(yogaHeaders);
    expect(ours?.text).toBe(yogas?.text);
    expect(ours?.text).toContain('"code":"REFUSED"');
    expect(ours?.text).toContain('"code":"INTERNAL_SERVER_ERROR"');
    expect(ours?.text).not.toContain('unexpected');
    expect(ours?.text).not.toContain('403');
    expect(ours?.frames.at(-1)).toBe('event: complete\ndata:');
  });

  it('drops the oldest events of a reader that stopped reading, and only its own', async () => {
    const { yoga, publish } = fixture({ broadcast: true });
    const server = await serve(yoga);
    try {
      // Events of 16 KiB: enough of them fill the kernel's socket buffers and Node's.
      const bigQuery = 'subscription { ticks { n padding(bytes: 16384) } }';
      const stalled = await subscribeOver(server.port, bigQuery);
      const reading = await subscribeOver(server.port, bigQuery);
      stalled.socket.pause();
      const published = SUBSCRIBER_BACKLOG * 8;
      for (let n = 1; n <= published; n++) {
        publish({ n });
        await reading.until(() => framesOf(reading).length === n + 1);
      }
      stalled.socket.resume();
      const numbers = (connection: ReturnType<typeof openRawHttp>) =>
        framesOf(connection)
          .slice(1)
          .map(
            (frame) =>
              (JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as { data: { ticks: Tick } }).data.ticks
                .n,
          );
      await stalled.until(() => numbers(stalled).at(-1) === published);
      expect(numbers(reading)).toEqual(Array.from({ length: published }, (_, i) => i + 1));
      const received = numbers(stalled);
      expect(received.length).toBeLessThan(published);
      expect(received).toEqual(received.toSorted((a, b) => a - b));
      // The newest are all there: what was dropped came before them.
      expect(received.slice(-SUBSCRIBER_BACKLOG)).toEqual(
        Array.from({ length: SUBSCRIBER_BACKLOG }, (_, i) => published - SUBSCRIBER_BACKLOG + 1 + i),
      );
    } finally {
      server.close();
    }
  });

  it('lets a client leave mid-stream, also while its socket is backed up, and the others go on', async () => {
    const { yoga, publish, listening } = fixture({ broadcast: true });
    const server = await serve(yoga);
    try {
      const bigQuery = 'subscription { ticks { n padding(bytes: 16384) } }';
      const backedUp = await subscribeOver(server.port, bigQuery);
      const leaving = await subscribeOver(server.port, bigQuery);
      const staying = await subscribeOver(server.port, bigQuery);
      backedUp.socket.pause();
      for (let n = 1; n <= SUBSCRIBER_BACKLOG * 2; n++) {
        publish({ n });
        await staying.until(() => framesOf(staying).length === n + 1);
      }
      await leaving.until(() => framesOf(leaving).length === SUBSCRIBER_BACKLOG * 2 + 1);
      backedUp.socket.destroy();
      leaving.socket.destroy();
      publish({ n: 0 });
      await staying.until(() => framesOf(staying).length === SUBSCRIBER_BACKLOG * 2 + 2);
      // One copy of the source for the three; it stops only once the last of them has left.
      expect(listening()).toBe(1);
      staying.socket.destroy();
      await vi.waitFor(() => expect(listening()).toBe(0));
    } finally {
      server.close();
    }
  });

  it('falls back to the response itself for HTTP/1.0, which has no chunks', async () => {
    const { yoga, publish, finish } = fixture({ broadcast: true });
    const server = await serve(yoga);
    try {
      const stream = await subscribeOver(server.port, 'subscription { ticks { n } }', '1.0');
      publish({ n: 1 });
      await stream.until(() => framesOf(stream).length === 2);
      finish();
      // Without chunks the body ends when the connection closes.
      await stream.until(() => stream.responses[0]?.ended === true);
      expect(stream.responses[0]?.chunked).toBe(false);
      expect(stream.responses[0]?.frames).toEqual([':', nextFrame(1), 'event: complete\ndata:']);
      expect(server.written).toEqual([':\n\n', `${nextFrame(1)}\n\n`, 'event: complete\ndata:\n\n']);
    } finally {
      server.close();
    }
  });
});
