import { Client, cacheExchange, fetchExchange } from '@urql/core';

/**
 * The dashboard's one GraphQL client. Subscriptions go over the same `fetch` as queries
 * (Server-Sent Events), so the gateway needs no WebSocket endpoint and a reverse proxy that
 * passes `/graphql` passes the live stream too. `authorization` is asked on every request
 * (the session's kiosk key, while nobody is signed in); a request may still set its own.
 */
export function createGraphqlClient(url: string, authorization?: () => string | undefined): Client {
  return new Client({
    url,
    exchanges: [cacheExchange, fetchExchange],
    fetchSubscriptions: true,
    fetchOptions: () => {
      const value = authorization?.();
      return value ? { headers: { authorization: value } } : {};
    },
  });
}
