import { vi } from 'vitest';
import type { LiveEvent } from '#lib/graphql/live-events.ts';
import type { Reading } from '#lib/graphql/queries.ts';

/**
 * A stand-in for the gateway behind `fetch`: queries get JSON, each subscription an event
 * stream the test writes to, ends or breaks.
 */
/** Answers one query or mutation; most tests ignore what was asked. */
export type QueryAnswer = (query: string, variables: Record<string, unknown>) => Response;

export function fakeGateway(answerQueries: QueryAnswer) {
  const encoder = new TextEncoder();
  const streams: {
    query: string;
    controller: ReadableStreamDefaultController<Uint8Array>;
    signal: AbortSignal | undefined;
  }[] = [];
  let queries = 0;
  let queryAnswer = answerQueries;
  const subscriptions: { query: string; variables: unknown; priority: RequestPriority | undefined }[] = [];
  let subscriptionAnswer: (() => Response) | undefined;

  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // urql sends queries as GET (query in the URL) and subscriptions as POST.
    const request =
      init?.method === 'POST'
        ? (JSON.parse(String(init.body)) as { query: string; variables?: Record<string, unknown> })
        : {
            query: new URL(String(input)).searchParams.get('query') ?? '',
            variables: JSON.parse(new URL(String(input)).searchParams.get('variables') ?? '{}'),
          };
    const query = request.query;
    if (!query.trimStart().startsWith('subscription')) {
      queries++;
      return queryAnswer(query, request.variables ?? {});
    }
    subscriptions.push({
      query,
      variables: (JSON.parse(String(init?.body)) as { variables?: unknown }).variables,
      priority: init?.priority,
    });
    if (subscriptionAnswer) return subscriptionAnswer();
    const signal = init?.signal ?? undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        streams.push({ query, controller, signal });
        signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  });

  return {
    fetch,
    get queries() {
      return queries;
    },
    get streams() {
      return streams;
    },
    /** Each subscription request: its document, variables and fetch priority. */
    get subscriptions() {
      return subscriptions;
    },
    answerQueriesWith(answer: QueryAnswer) {
      queryAnswer = answer;
    },
    answerSubscriptionsWith(answer: (() => Response) | undefined) {
      subscriptionAnswer = answer;
    },
    /** Sends readings on the newest stream, as a view's liveEvents carries them. */
    emit(readings: Reading[]) {
      this.emitLive({ __typename: 'ReadingsCommittedEvent', readings });
    },
    /** Sends one event of a view's liveEvents stream on the newest stream. */
    emitLive(event: LiveEvent) {
      const data = `data: ${JSON.stringify({ data: { liveEvents: event } })}\n\n`;
      streams.at(-1)?.controller.enqueue(encoder.encode(data));
    },
    /** Sends `data` as an event on the newest stream whose document matches `operation`. */
    send(operation: RegExp, data: object) {
      const stream = streams.findLast((open) => operation.test(open.query));
      stream?.controller.enqueue(encoder.encode(`data: ${JSON.stringify({ data })}\n\n`));
    },
    /** The server ends the stream, as on a gateway shutdown. */
    end() {
      streams.at(-1)?.controller.close();
    },
  };
}
