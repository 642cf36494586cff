import { vi } from 'vitest';
import type { Reading } from '#lib/graphql/queries.ts';

/**
 * A stand-in for the gateway behind `fetch`: queries get JSON, each subscription an event
 * stream the test writes to, ends or breaks.
 */
export function fakeGateway(answerQueries: () => Response) {
  const encoder = new TextEncoder();
  const streams: {
    controller: ReadableStreamDefaultController<Uint8Array>;
    signal: AbortSignal | undefined;
  }[] = [];
  let queries = 0;
  let queryAnswer = answerQueries;
  const subscriptions: { query: string; variables: unknown }[] = [];
  let subscriptionAnswer: (() => Response) | undefined;

  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // urql sends queries as GET (query in the URL) and subscriptions as POST.
    const query =
      init?.method === 'POST'
        ? (JSON.parse(String(init.body)) as { query: string }).query
        : (new URL(String(input)).searchParams.get('query') ?? '');
    if (!query.trimStart().startsWith('subscription')) {
      queries++;
      return queryAnswer();
    }
    subscriptions.push({
      query,
      variables: (JSON.parse(String(init?.body)) as { variables?: unknown }).variables,
    });
    if (subscriptionAnswer) return subscriptionAnswer();
    const signal = init?.signal ?? undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        streams.push({ controller, signal });
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
    /** Each subscription request: its document and variables. */
    get subscriptions() {
      return subscriptions;
    },
    answerQueriesWith(answer: () => Response) {
      queryAnswer = answer;
    },
    answerSubscriptionsWith(answer: (() => Response) | undefined) {
      subscriptionAnswer = answer;
    },
    emit(readings: Reading[]) {
      const event = `data: ${JSON.stringify({ data: { readingsCommitted: readings } })}\n\n`;
      streams.at(-1)?.controller.enqueue(encoder.encode(event));
    },
    /** The server ends the stream, as on a gateway shutdown. */
    end() {
      streams.at(-1)?.controller.close();
    },
  };
}
