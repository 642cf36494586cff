import { AsyncLocalStorage } from 'node:async_hooks';
import { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionResult,
  executeSubscriptionEvent,
  mapSourceToResponseEvent,
  type ValidatedSubscriptionArgs,
  validateSubscriptionArgs,
} from 'graphql';
import { type FetchAPI, isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from './context.ts';
import { queueInBacklog } from './pubsub.ts';

/**
 * Marks a subscription source as one every subscriber with the same `shareKey` may take over
 * from the moment it subscribes: it sends nothing of its own first (no current values), it
 * keeps no state per subscriber, and another subscriber's copy would yield the same events
 * from then on. Subscribers of the same request to such a source share one copy of it (see
 * `useSharedSubscriptionExecution`); `shareKey` says what the source was made from beyond the
 * request, such as the datastreams a filter looked up when it subscribed.
 */
export function broadcastable<Item>(source: AsyncIterable<Item>, shareKey: string): AsyncIterable<Item> {
  broadcastKeys.set(source, shareKey);
  return source;
}

const broadcastKeys = new WeakMap<AsyncIterable<unknown>, string>();

/**
 * Executes a subscription event once for every subscriber that asked the same thing, and sends
 * them all the same encoded bytes.
 *
 * Yoga executes, serialises and encodes each event once per subscriber: a control room or a
 * public wallboard with 1,000 open streams of the same subscription turns one commit into 1,000
 * identical executions, JSON documents and byte buffers. Here an event that reaches several
 * subscribers as the same object (pubsub.ts hands every listener the one event it published)
 * is executed once per distinct request: document, operation, variables and viewer. What a
 * result contains can depend only on those and on the event, so every subscriber gets what its
 * own execution would have produced, in its own order. The shared result is then written to
 * every stream as one server-sent event frame, encoded once (`sendEventStream`).
 *
 * A source marked `broadcastable` goes further: subscribers of the same request to it share
 * one copy of the source, and that copy writes each frame straight to every subscriber's
 * stream (a broadcast). Otherwise every subscriber pulls every event through its own chain of
 * async iterators (its pub/sub queue, its filter, the execution, Yoga's result mapping, its
 * stream), each a promise or two per event: with 1,000 subscribers that chain cost more than
 * the socket writes (docs/benchmarks.md). Each subscriber still has its own bounded queue, so
 * one that lags loses only its own oldest events; a result with errors still goes through that
 * subscriber's own Yoga chain, which masks them for its request.
 */
export function useSharedSubscriptionExecution(): Plugin<Pick<GatewayContext, 'viewer'>> {
  // Each parsed document gets a number; Yoga's parser cache hands out one document per query text.
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  // Per event, the results computed so far by request key; an event nobody holds any more is
  // collected with its results.
  const resultsByEvent = new WeakMap<object, Map<string, ExecutionResult | Promise<ExecutionResult>>>();
  // The event frame of each shared result, encoded by whichever of its streams sends it first.
  const sharedFrames = new WeakMap<ExecutionResult, Frame | null>();
  const subscriptionRequests = new WeakSet<Request>();
  // The running broadcasts by request key and share key, and the subscriber each request is.
  const broadcasts = new Map<string, Broadcast>();
  const listenerOf = new WeakMap<Request, Listener>();

  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const { viewer, request } = args.contextValue as Pick<GatewayContext, 'viewer'> & { request?: Request };
      if (request) subscriptionRequests.add(request);
      let documentId = documentIds.get(args.document);
      if (documentId === undefined) {
        documentId = nextDocumentId++;
        documentIds.set(args.document, documentId);
      }
      const key = JSON.stringify([
        documentId,
        args.operationName ?? null,
        args.variableValues ?? null,
        viewer && [viewer.userId, viewer.role, viewer.agencyId, viewer.via, viewer.canWrite],
      ]);
      setSubscribeFn((subscribeArgs) => {
        const validated = validateSubscriptionArgs(subscribeArgs);
        // Refusals of the request itself (a bad variable) are answered as Yoga's executor does.
        if (!('schema' in validated)) return subscribeFn(subscribeArgs);
        return subscribeSharing(validated, key, request);
      });
    },
    onResultProcess({ request, result, resultProcessor, setResultProcessor, serverContext }) {
      // For a subscription's stream Yoga offers server-sent events only, so a processor chosen
      // here is that one. A subscription refused before it started (not a stream) stays Yoga's.
      if (!resultProcessor || !isAsyncIterable(result) || !subscriptionRequests.has(request)) return;
      const listener = listenerOf.get(request);
      // The Node adapter puts the response it will send on into the server context; there is
      // none when Yoga is called with `fetch` (the tests) or by another adapter.
      const { res } = serverContext as { res?: unknown };
      setResultProcessor(
        (stream, fetchAPI) =>
          listener
            ? listener.send(
                stream as AsyncIterable<ExecutionResult>,
                fetchAPI,
                res instanceof ServerResponse ? res : undefined,
              )
            : sendEventStream(stream as AsyncIterable<ExecutionResult>, fetchAPI, frameOf),
        'text/event-stream',
      );
    },
  };

  function subscribeSharing(validated: ValidatedSubscriptionArgs, key: string, request: Request | undefined) {
    const toResponse = (source: unknown) => {
      if (!isAsyncIterable(source)) return source;
      const shareKey = broadcastKeys.get(source);
      if (shareKey === undefined || !request)
        return mapSourceToResponseEvent(validated, source, (perEvent) => executeOnce(perEvent, key));
      const listener = join(JSON.stringify([key, shareKey]), validated, source);
      listenerOf.set(request, listener);
      return listener.results;
    };
    const source = createSourceEventStream(validated);
    return source instanceof Promise ? source.then(toResponse) : toResponse(source);
  }

  function executeOnce(perEvent: ValidatedSubscriptionArgs, key: string) {
    const event = perEvent.rootValue;
    if (typeof event !== 'object' || event === null) return executeSubscriptionEvent(perEvent);
    let results = resultsByEvent.get(event);
    if (!results) {
      results = new Map();
      resultsByEvent.set(event, results);
    }
    const known = results.get(key);
    if (known) return known;
    const result = executeSubscriptionEvent(perEvent);
    const shared = result instanceof Promise ? result.then(markShared) : markShared(result);
    results.set(key, shared);
    return shared;
  }

  function markShared(result: ExecutionResult): ExecutionResult {
    sharedFrames.set(result, null);
    return result;
  }

  /**
   * A result reaches each stream as the object executed for all of them, unless Yoga's error
   * masking replaced it with a copy for that subscriber: then it has no shared frame.
   */
  function frameOf(result: ExecutionResult): Frame {
    const known = sharedFrames.get(result);
    if (known) return known;
    const frame = encodeEventFrame(result);
    if (known === null) sharedFrames.set(result, frame);
    return frame;
  }

  /**
   * Adds a subscriber to the broadcast of its request and source, starting it with this
   * subscriber's copy of the source if none runs; a later subscriber's own copy is closed
   * unread (pubsub.ts listens only once a subscription is read, so it held nothing).
   */
  function join(broadcastKey: string, validated: ValidatedSubscriptionArgs, source: AsyncIterable<unknown>) {
    let broadcast = broadcasts.get(broadcastKey);
    if (broadcast) void closeUnread(source);
    else {
      broadcast = startBroadcast(validated, source, () => broadcasts.delete(broadcastKey));
      broadcasts.set(broadcastKey, broadcast);
    }
    return broadcast.add();
  }
}

async function closeUnread(source: AsyncIterable<unknown>) {
  await source[Symbol.asyncIterator]().return?.();
}

/** One copy of a source, executed once per event, and the subscribers it writes to. */
interface Broadcast {
  add(): Listener;
}

/**
 * Reads the source, executes each event with the arguments of the subscriber that started it
 * (the request key makes them the same for all), and hands every subscriber the frame, or the
 * result itself when it has errors. It stops the source once the last subscriber has gone.
 */
function startBroadcast(
  validated: ValidatedSubscriptionArgs,
  source: AsyncIterable<unknown>,
  onStop: () => void,
): Broadcast {
  const listeners = new Set<Listener>();
  const events = source[Symbol.asyncIterator]();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    onStop();
  };
  void (async () => {
    try {
      for (let next = await events.next(); !next.done; next = await events.next()) {
        const result = await executeSubscriptionEvent({ ...validated, rootValue: next.value });
        const item = result.errors?.length ? result : encodeEventFrame(result);
        for (const listener of listeners) listener.deliver(item);
      }
      stop();
      for (const listener of listeners) listener.end();
    } catch (error) {
      stop();
      for (const listener of listeners) listener.fail(error as Error);
    }
  })();
  return {
    add() {
      const listener = createListener(() => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        // pubsub.ts and the filters on it end a pending read at once when returned.
        stop();
        void events.return?.();
      });
      listeners.add(listener);
      return listener;
    },
  };
}

/**
 * One subscriber of a broadcast: the frames waiting for its stream, at most SUBSCRIBER_BACKLOG
 * of them (past that the oldest is dropped, as pubsub.ts does for a subscriber that lags), and
 * its stream, which takes them as fast as its client reads. `results` is what Yoga sees as this
 * subscription's stream: Yoga maps it (masking errors), and the results with errors are sent
 * through that mapping, in their place among the frames.
 */
interface Listener {
  results: AsyncIterableIterator<ExecutionResult>;
  deliver(item: Frame | ExecutionResult): void;
  end(): void;
  fail(error: Error): void;
  send(
    mapped: AsyncIterable<ExecutionResult>,
    fetchAPI: FetchAPI,
    response: ServerResponse | undefined,
  ): Response;
}

function createListener(onLeave: () => void): Listener {
  // Masking logs and quotes the id of the request it masks for (yoga.ts), which is kept in the
  // async context this subscriber joined in; the broadcast runs in its first subscriber's.
  const inRequestContext = AsyncLocalStorage.snapshot();
  const waiting: (Frame | ExecutionResult)[] = [];
  // Set once Yoga has this subscription's response made: where its frames go, and how to end it.
  let out: { sink: EventSink; mapped: AsyncIterator<ExecutionResult> } | undefined;
  // The result with errors handed to Yoga's mapping while its answer is awaited.
  let handedOver: ExecutionResult | undefined;
  let mapping = false;
  let wantsMore = false;
  let sourceEnded = false;
  let left = false;
  let failure: Error | undefined;
  const ended: IteratorResult<ExecutionResult> = { value: undefined, done: true };
  const leave = () => {
    if (left) return;
    left = true;
    waiting.length = 0;
    onLeave();
  };
  const flush = () => {
    if (!out || mapping || left) return;
    const { sink } = out;
    while (wantsMore && waiting.length > 0) {
      const item = waiting.shift() as Frame | ExecutionResult;
      if (isFrame(item)) {
        wantsMore = sink.write(item);
        continue;
      }
      handedOver = item;
      mapping = true;
      const { mapped } = out;
      inRequestContext(() => mapped.next()).then(
        ({ value }) => {
          mapping = false;
          if (value != null) wantsMore = sink.write(encodeEventFrame(value));
          flush();
        },
        (error: Error) => sink.fail(error),
      );
      return;
    }
    if (sourceEnded && waiting.length === 0) {
      left = true;
      sink.complete();
    }
  };
  return {
    results: {
      [Symbol.asyncIterator]() {
        return this;
      },
      next() {
        const result = handedOver;
        handedOver = undefined;
        return Promise.resolve(result ? { value: result, done: false } : ended);
      },
      return() {
        leave();
        return Promise.resolve(ended);
      },
    },
    deliver(item) {
      if (left || sourceEnded) return;
      // A stream that keeps up takes the frame at once: no queue, no loop (the common case,
      // done 1,000 times per event).
      if (wantsMore && waiting.length === 0 && !mapping && out && isFrame(item)) {
        wantsMore = out.sink.write(item);
        return;
      }
      queueInBacklog(waiting, item);
      flush();
    },
    end() {
      sourceEnded = true;
      flush();
    },
    fail(error) {
      failure = error;
      out?.sink.fail(error);
    },
    send(stream, fetchAPI, response) {
      const iterator = stream[Symbol.asyncIterator]();
      return eventStreamResponse(
        fetchAPI,
        {
          ready(sink) {
            if (failure) {
              sink.fail(failure);
              return;
            }
            out ??= { sink, mapped: iterator };
            wantsMore = true;
            flush();
          },
          stop() {
            leave();
            return iterator.return?.();
          },
        },
        response,
      );
    },
  };
}

/** Yoga's keep-alive interval; a proxy closes a stream it sees idle for long. */
const PING_INTERVAL_MS = 12_000;

/**
 * One server-sent event frame (`plain`), and the same bytes framed as one HTTP/1.1 chunk
 * (`chunked`: length in hex, CRLF, the frame, CRLF), of which `plain` is a view. A broadcast
 * makes one per event and hands the same buffer to every stream: to the socket itself where
 * the frame is written past Node's response (`eventStreamResponse`), to the response otherwise.
 */
interface Frame {
  plain: Buffer;
  chunked: Buffer;
}

function isFrame(item: Frame | ExecutionResult): item is Frame {
  return 'chunked' in item;
}

function frameFrom(text: string): Frame {
  const length = Buffer.byteLength(text);
  const head = `${length.toString(16)}\r\n`;
  const chunked = Buffer.allocUnsafe(head.length + length + 2);
  chunked.write(head, 0, 'latin1');
  chunked.write(text, head.length, 'utf8');
  chunked.write('\r\n', head.length + length, 'latin1');
  return { plain: chunked.subarray(head.length, head.length + length), chunked };
}

const PING = frameFrom(':\n\n');
const COMPLETE = frameFrom('event: complete\ndata:\n\n');

/** Where a subscription's frames go: `write` says whether the stream takes more now. */
interface EventSink {
  write(frame: Frame): boolean;
  /** Sends `event: complete` and ends the response. */
  complete(): void;
  fail(error: Error): void;
}

/**
 * The GraphQL-over-SSE response Yoga's own processor (`getSSEProcessor`) sends for a
 * subscription, byte for byte: a `:` comment at once and every 12 s, `event: next` with each
 * result, `event: complete` at the end. It differs in how the bytes are made and carried: each
 * event is one buffer, made by `frameOf`, which hands every stream of a shared result the same
 * one, and the body is a Node stream, which the Node adapter pipes to the socket as it is. Yoga
 * encodes each event as two chunks that the adapter's web stream copies into one, per
 * subscriber; with 1,000 subscribers those copies and that stream's machinery per event were
 * the gateway's largest costs after the socket writes themselves (docs/benchmarks.md).
 */
function sendEventStream(
  results: AsyncIterable<ExecutionResult>,
  fetchAPI: FetchAPI,
  frameOf: (result: ExecutionResult) => Frame,
): Response {
  const iterator = results[Symbol.asyncIterator]();
  return eventStreamResponse(fetchAPI, {
    // Without a Node response to write past, `ready` is Node asking for the next chunk, which it
    // does only once the previous one is pushed: one `next()` at a time.
    ready(sink) {
      iterator.next().then(
        ({ value, done }) => {
          if (value != null) sink.write(frameOf(value));
          if (done) sink.complete();
        },
        (error: Error) => sink.fail(error),
      );
    },
    stop: () => iterator.return?.(),
  });
}

/**
 * The response of a subscription's server-sent events, with the keep-alive comments. `ready` is
 * called each time the stream takes more, `stop` once when it has ended or its client left.
 *
 * Given the Node response it will be sent on, it writes each frame past that response, straight
 * to the socket, already framed as an HTTP/1.1 chunk. Node's `ServerResponse.write` frames each
 * write itself, as four socket writes (length, CRLF, data, CRLF), corks the socket and uncorks
 * it on the next tick: 12-14 µs per stream and event on this machine against 8.5-9.3 µs for one
 * pre-framed buffer written to the socket (docs/benchmarks.md), and a broadcast to 1,000
 * streams pays that 1,000 times per event. Everything else stays Node's and Yoga's: the body
 * is still a Node stream the adapter pipes into the response, so the head (status, headers,
 * cookies, CORS, request id) and the first comment go out through the response as before, and
 * the end (`0\r\n\r\n`) when the body ends. Only once all of that first part has gone through
 * the response, and only if it is the response the adapter piped this body into (a plugin
 * that replaced the body would not be) and uses chunked encoding (not HTTP/1.0, nor a response
 * without a body), do the frames go to the socket; bytes written to one socket leave in the
 * order they were written, so nothing overtakes. There, "takes more" is the socket's own
 * back-pressure: once a write leaves the socket above its high-water mark, the stream waits
 * for the socket's `drain`, and the frames wait in the subscriber's own bounded backlog.
 */
function eventStreamResponse(
  fetchAPI: FetchAPI,
  feed: { ready(sink: EventSink): void; stop(): unknown },
  response?: ServerResponse,
): Response {
  let ping: ReturnType<typeof setInterval> | undefined;
  let piped = false;
  // The socket the frames go to once they are written past the response.
  let socket: Socket | undefined;
  let awaitingDrain = false;
  const onPipe = (source: unknown) => {
    piped = source === body;
  };
  const onDrain = () => {
    awaitingDrain = false;
    feed.ready(sink);
  };
  const writePast = () => {
    if (!socket && piped && response && body.readableLength === 0 && response.chunkedEncoding) {
      const candidate = response.socket;
      // Node gives a response its socket only once the responses before it on that connection
      // have ended, and takes it back when this one ends.
      if (candidate && !response.writableEnded) socket = candidate;
    }
    return socket;
  };
  const sink: EventSink = {
    write(frame) {
      const to = writePast();
      if (!to) return body.push(frame.plain);
      // A socket gone is the client gone: the response's `close` ends this stream soon.
      if (to.destroyed) return false;
      if (to.write(frame.chunked)) return true;
      if (!awaitingDrain) {
        awaitingDrain = true;
        to.once('drain', onDrain);
      }
      return false;
    },
    complete() {
      clearInterval(ping);
      sink.write(COMPLETE);
      body.push(null);
    },
    fail(error) {
      body.destroy(error);
    },
  };
  const body: Readable = new Readable({
    read() {
      feed.ready(sink);
    },
    destroy(error, callback) {
      clearInterval(ping);
      response?.off('pipe', onPipe);
      socket?.off('drain', onDrain);
      Promise.resolve(feed.stop()).then(
        () => callback(error),
        (stopError: Error) => callback(error ?? stopError),
      );
    },
  });
  response?.on('pipe', onPipe);
  // Some browsers show nothing of a stream until its first bytes arrive.
  body.push(PING.plain);
  ping = setInterval(() => {
    // Only to a stream that is not backed up, as Yoga does.
    const to = writePast();
    if (to ? !to.writableNeedDrain : body.readableLength < body.readableHighWaterMark) sink.write(PING);
  }, PING_INTERVAL_MS);
  // Yoga's fetch API on Node (@whatwg-node/node-fetch) takes a Node stream as a body and hands
  // it to the adapter, which pipes it; the types know web streams only.
  return new fetchAPI.Response(body as unknown as ReadableStream<Uint8Array>, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream',
      Connection: 'keep-alive',
      'Cache-Control': 'no-cache',
      'Content-Encoding': 'none',
    },
  });
}

/** One `event: next` frame, serialised as Yoga does (its helper for that is not exported). */
function encodeEventFrame(result: ExecutionResult): Frame {
  return frameFrom(`event: next\ndata: ${JSON.stringify(withoutInternals(result))}\n\n`);
}

/**
 * Yoga keeps routing hints in `extensions.http` (of a result or an error) and marks masked
 * errors `unexpected`; it leaves both out of what it sends, and so does this.
 */
function withoutInternals(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length && !result.extensions?.http) return result;
  const { http: _http, ...extensions } = result.extensions ?? {};
  return {
    ...result,
    errors: result.errors?.map((error) => {
      const { http: _errorHttp, unexpected: _unexpected, ...errorExtensions } = error.extensions;
      return {
        ...error.toJSON(),
        extensions: Object.keys(errorExtensions).length ? errorExtensions : undefined,
      };
    }),
    extensions: Object.keys(extensions).length ? extensions : undefined,
  } as ExecutionResult;
}
