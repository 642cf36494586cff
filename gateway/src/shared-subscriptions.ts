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

/**
 * Executes a subscription event once for every subscriber that asked the same thing, and sends
 * them all the same encoded bytes.
 *
 * Yoga executes, serialises and encodes each event once per subscriber: a control room or a
 * public wallboard with 1,000 open streams of the same subscription turns one commit into 1,000
 * identical executions, JSON documents and byte buffers. Here each subscriber still has its own
 * source stream (its own filter, its own "current values first"), but an event that reaches
 * several subscribers as the same object (pubsub.ts hands every listener the one event it
 * published) is executed once per distinct request: document, operation, variables and viewer.
 * What a result contains can depend only on those and on the event, so every subscriber gets
 * what its own execution would have produced, in its own order. The shared result is then
 * written to every stream as one server-sent event frame, encoded once (`sendEventStream`).
 */
export function useSharedSubscriptionExecution(): Plugin<Pick<GatewayContext, 'viewer'>> {
  // Each parsed document gets a number; Yoga's parser cache hands out one document per query text.
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  // Per event, the results computed so far by request key; an event nobody holds any more is
  // collected with its results.
  const resultsByEvent = new WeakMap<object, Map<string, ExecutionResult | Promise<ExecutionResult>>>();
  // The event frame of each shared result, encoded by whichever of its streams sends it first.
  const sharedFrames = new WeakMap<ExecutionResult, Buffer | null>();
  const subscriptionRequests = new WeakSet<Request>();

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
        return subscribeSharing(validated, key);
      });
    },
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      // For a subscription's stream Yoga offers server-sent events only, so a processor chosen
      // here is that one. A subscription refused before it started (not a stream) stays Yoga's.
      if (!resultProcessor || !isAsyncIterable(result) || !subscriptionRequests.has(request)) return;
      setResultProcessor(
        (stream, fetchAPI) => sendEventStream(stream as AsyncIterable<ExecutionResult>, fetchAPI, frameOf),
        'text/event-stream',
      );
    },
  };

  function subscribeSharing(validated: ValidatedSubscriptionArgs, key: string) {
    const toResponse = (source: unknown) =>
      isAsyncIterable(source)
        ? mapSourceToResponseEvent(validated, source, (perEvent) => executeOnce(perEvent, key))
        : source;
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
  function frameOf(result: ExecutionResult): Buffer {
    const known = sharedFrames.get(result);
    if (known) return known;
    const frame = encodeEventFrame(result);
    if (known === null) sharedFrames.set(result, frame);
    return frame;
  }
}

/** Yoga's keep-alive interval; a proxy closes a stream it sees idle for long. */
const PING_INTERVAL_MS = 12_000;
const PING = Buffer.from(':\n\n');
const COMPLETE = Buffer.from('event: complete\ndata:\n\n');

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
  frameOf: (result: ExecutionResult) => Buffer,
): Response {
  const iterator = results[Symbol.asyncIterator]();
  let ping: ReturnType<typeof setInterval> | undefined;
  // Node asks for the next chunk only once the previous one is pushed, so one `next()` at a time.
  const body = new Readable({
    read() {
      iterator.next().then(
        ({ value, done }) => {
          if (value != null) body.push(frameOf(value));
          if (done) {
            clearInterval(ping);
            body.push(COMPLETE);
            body.push(null);
          }
        },
        (error: Error) => body.destroy(error),
      );
    },
    destroy(error, callback) {
      clearInterval(ping);
      Promise.resolve(iterator.return?.()).then(
        () => callback(error),
        (returnError: Error) => callback(error ?? returnError),
      );
    },
  });
  // Some browsers show nothing of a stream until its first bytes arrive.
  body.push(PING);
  ping = setInterval(() => {
    // Only to a stream that is not backed up, as Yoga does.
    if (body.readableLength < body.readableHighWaterMark) body.push(PING);
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
function encodeEventFrame(result: ExecutionResult): Buffer {
  return Buffer.from(`event: next\ndata: ${JSON.stringify(withoutInternals(result))}\n\n`);
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
