import { Client, cacheExchange, fetchExchange } from '@urql/core';

/**
 * The dashboard's one GraphQL client. Subscriptions go over the same `fetch` as queries
 * (Server-Sent Events), so the gateway needs no WebSocket endpoint and a reverse proxy that
 * passes `/graphql` passes the live stream too.
 */
export function createGraphqlClient(url: string): Client {
  return new Client({
    url,
    exchanges: [cacheExchange, fetchExchange],
    fetchSubscriptions: true,
  });
}
