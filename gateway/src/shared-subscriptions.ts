import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionResult,
  executeSubscriptionEvent,
  mapSourceToResponseEvent,
  type ValidatedSubscriptionArgs,
  validateSubscriptionArgs,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from './context.ts';

/**
 * Executes a subscription event once for every subscriber that asked the same thing, and lets
 * them share one serialised payload.
 *
 * Yoga executes and serialises each event once per subscriber: a control room or a public
 * wallboard with 1,000 open streams of the same subscription turns one commit into 1,000
 * identical executions and JSON documents. Here each subscriber still has its own source stream
 * (its own filter, its own "current values first"), but an event that reaches several
 * subscribers as the same object (pubsub.ts hands every listener the one event it published) is
 * executed once per distinct request: document, operation, variables and viewer. What a result
 * contains can depend only on those and on the event, so every subscriber gets what its own
 * execution would have produced, in its own order.
 */
export function useSharedSubscriptionExecution(): Plugin<Pick<GatewayContext, 'viewer'>> {
  // Each parsed document gets a number; Yoga's parser cache hands out one document per query text.
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  // Per event, the results computed so far by request key; an event nobody holds any more is
  // collected with its results.
  const resultsByEvent = new WeakMap<object, Map<string, ExecutionResult | Promise<ExecutionResult>>>();

  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      let documentId = documentIds.get(args.document);
      if (documentId === undefined) {
        documentId = nextDocumentId++;
        documentIds.set(args.document, documentId);
      }
      const viewer = (args.contextValue as Pick<GatewayContext, 'viewer'>).viewer;
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
    const shared = result instanceof Promise ? result.then(serialiseOnce) : serialiseOnce(result);
    results.set(key, shared);
    return shared;
  }
}

/**
 * Yoga's result processors serialise with `result.stringify` when a result has one (the hook
 * graphql-jit uses); with it, a result shared by 1,000 subscribers is turned into JSON once.
 * Results with errors are left alone: Yoga masks and rewrites those per response.
 */
function serialiseOnce(result: ExecutionResult): ExecutionResult {
  if (result.errors?.length) return result;
  let json: string | undefined;
  Object.defineProperty(result, 'stringify', {
    enumerable: false,
    value: (value: unknown) => {
      if (value !== result) return JSON.stringify(value);
      json ??= JSON.stringify(value);
      return json;
    },
  });
  return result;
}
