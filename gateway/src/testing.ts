import { connect, type Socket } from 'node:net';
import { type AlertEventInput, createAlertRule, insertAlert, recordAlertEvent } from '@bisa/db/alerts.ts';
import type { PrismaClient, Role } from '@bisa/db/generated/prisma/client.ts';
import { hashSecret } from '@bisa/db/secret-hash.ts';
import type { SqlClient, SqlQueryable } from '@bisa/db/sql-client.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import pino from 'pino';
import { createGateway, type Gateway } from './gateway.ts';
import type { GatewayYoga } from './yoga.ts';

export interface TestGateway {
  db: TestDatabase;
  gateway: Gateway;
  /** A Prisma client on the test database, made on first use and disconnected by `stop`. */
  readonly prisma: PrismaClient;
  /** Disconnects the Prisma client (if made), stops the gateway and drops the database. */
  stop(): Promise<void>;
}

/**
 * Test fixture: a started gateway, logging nothing, over a fresh test database (real
 * PostgreSQL, migrated, seeded with the sample unless `seedSample: false`), so each test file
 * runs isolated. Requests go through `gateway.yoga.fetch`, no port.
 */
export async function startTestGateway(options: { seedSample?: boolean } = {}): Promise<TestGateway> {
  const db = await createTestDatabase(options);
  const gateway = createGateway({ database: db.database, logger: pino({ level: 'silent' }) });
  try {
    await gateway.start();
  } catch (error) {
    await db.drop();
    throw error;
  }
  let prisma: PrismaClient | undefined;
  return {
    db,
    gateway,
    get prisma() {
      prisma ??= db.database.createPrisma();
      return prisma;
    },
    async stop() {
      try {
        await prisma?.$disconnect();
        await gateway.stop();
      } finally {
        await db.drop();
      }
    },
  };
}

/** Test helper: one GraphQL request through `yoga.fetch`, no port; `cookie` signs it in. */
export async function execute<T>(
  yoga: GatewayYoga,
  query: string,
  variables: Record<string, unknown> = {},
  cookie?: string,
): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const response = await yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

/** Test helper: signs in through the API, as the dashboard does; the session cookie for `cookie:`. */
export async function signInCookie(yoga: GatewayYoga, email: string, password: string): Promise<string> {
  const response = await yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }',
      variables: { e: email, p: password },
    }),
  });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
  if (!cookie) throw new Error(`${email} could not sign in: ${await response.text()}`);
  return cookie;
}

/**
 * Test fixture: creates these users, all with `password`, and signs each in through the API;
 * their session cookies by `key`.
 */
export async function signedInUsers(
  yoga: GatewayYoga,
  prisma: PrismaClient,
  password: string,
  users: readonly { key: string; email: string; name: string; role: Role; agencyId?: string | null }[],
): Promise<Map<string, string>> {
  const passwordHash = await hashSecret(password);
  const cookies = new Map<string, string>();
  for (const { key, email, name, role, agencyId = null } of users) {
    await prisma.user.create({ data: { email, name, role, agencyId, passwordHash } });
    cookies.set(key, await signInCookie(yoga, email, password));
  }
  return cookies;
}

/** Test fixture: an alert transition as the ingest evaluator records it (value 3.6, no actor). */
export function alertTransition(
  alertId: string,
  e: Pick<AlertEventInput, 'type' | 'fromLevel' | 'toLevel' | 'toState'>,
): AlertEventInput {
  return {
    alertId,
    at: new Date(),
    fromState: e.type === 'opened' ? null : 'OPEN',
    value: 3.6,
    readingTime: new Date(),
    actor: null,
    note: null,
    ...e,
  };
}

/**
 * Test fixture: a fresh SIAGA/AWAS river rule on `datastreamId` and its alert opened at AWAS,
 * the way the ingest evaluator opens one (alert and "opened" event in one transaction).
 */
export async function openAwasAlert(sql: SqlClient, datastreamId: number, ruleName: string): Promise<string> {
  const ruleId = await createAlertRule(sql, {
    name: ruleName,
    kind: 'THRESHOLD',
    target: { datastreamId },
    levels: [
      { level: 'SIAGA', raise: 3, clear: 2.8 },
      { level: 'AWAS', raise: 3.5, clear: 3.3 },
    ],
  });
  return sql.transaction(async (tx) => {
    const now = new Date();
    const id = await insertAlert(tx, { ruleId, datastreamId, level: 'AWAS', value: 3.6, openedAt: now, now });
    if (!id) throw new Error('an alert was open already');
    await recordAlertEvent(
      tx,
      alertTransition(id, { type: 'opened', fromLevel: 'NORMAL', toLevel: 'AWAS', toState: 'OPEN' }),
    );
    return id;
  });
}

/** The global id the API gives the object with this database id (see Node in schema.graphql). */
export function globalId(typename: string, databaseId: string | number): string {
  return encodeGlobalID(typename, databaseId);
}

/** Test fixture: stores readings the way ingest does (reading rows plus latest_reading). */
export async function insertReadings(
  sql: SqlQueryable,
  datastreamId: number,
  readings: readonly { time: string; value: number }[],
): Promise<void> {
  for (const { time, value } of readings) {
    await sql.query('INSERT INTO reading (datastream_id, time, value) VALUES ($1, $2, $3)', [
      datastreamId,
      time,
      value,
    ]);
    await sql.query(
      `INSERT INTO latest_reading (datastream_id, time, value) VALUES ($1, $2, $3)
       ON CONFLICT (datastream_id) DO UPDATE SET time = EXCLUDED.time, value = EXCLUDED.value
       WHERE latest_reading.time < EXCLUDED.time`,
      [datastreamId, time, value],
    );
  }
}

export interface SubscriptionEvent {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * Test helper: opens a GraphQL subscription over server-sent events and resolves once the
 * server has started it (Yoga opens the stream with a keep-alive comment when the subscription
 * is running), so events published from then on reach it. `next()` gives each event's payload.
 */
export async function openSubscription(
  fetchFn: (url: string, init: RequestInit) => Promise<Response>,
  url: string,
  query: string,
): Promise<{ next(): Promise<SubscriptionEvent>; close(): void }> {
  const controller = new AbortController();
  const response = await fetchFn(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  if (!response.body) throw new Error('no event stream');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const opening = await reader.read();
  let buffer = opening.value ?? '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const data = buffer
            .slice(0, end)
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5))
            .join('');
          buffer = buffer.slice(end + 2);
          if (data) return JSON.parse(data) as SubscriptionEvent;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('event stream ended');
        buffer += value;
      }
    },
    close: () => controller.abort(),
  };
}

/** One HTTP response as it came over the wire, its body split into server-sent event frames. */
export interface RawResponse {
  status: number;
  /** Header names in lower case, as sent (a repeated header's values joined by ", "). */
  headers: Record<string, string>;
  /** Whether the body came as HTTP/1.1 chunks (every one of them checked), or until close. */
  chunked: boolean;
  /** The body as decoded so far. */
  text: string;
  /** Its complete server-sent event frames, each without its closing blank line (`:` for a comment). */
  frames: string[];
  /** The whole body: chunked up to the last chunk, else the connection has closed. */
  ended: boolean;
}

/**
 * Test helper: a plain TCP connection to an HTTP server that sends requests as written and
 * parses the responses strictly from the bytes: a status line, a chunk size line or a chunk's
 * closing CRLF that is wrong fails every `until`. `until` resolves once its check holds, checked
 * again at each read, and rejects if the connection closes first.
 */
export function openRawHttp(port: number): {
  socket: Socket;
  send(request: string): void;
  responses: RawResponse[];
  until(check: () => boolean): Promise<void>;
} {
  const socket = connect(port, '127.0.0.1');
  const responses: RawResponse[] = [];
  let unparsed: Buffer = Buffer.alloc(0);
  // The current response's body text not yet ending in a complete frame.
  let partial = '';
  let failure: Error | undefined;
  let closed = false;
  const waiting = new Set<() => void>();
  const addBody = (response: RawResponse, text: string) => {
    response.text += text;
    const parts = (partial + text).split('\n\n');
    partial = parts.pop() ?? '';
    response.frames.push(...parts);
  };
  const parse = () => {
    for (;;) {
      const current = responses.at(-1);
      if (!current || current.ended) {
        if (unparsed.length === 0) return;
        const headEnd = unparsed.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const [statusLine = '', ...lines] = unparsed.subarray(0, headEnd).toString('latin1').split('\r\n');
        unparsed = unparsed.subarray(headEnd + 4);
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).toLowerCase();
          const value = line.slice(colon + 1).trim();
          headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
        }
        const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(statusLine)?.[1]);
        if (!status) throw new Error(`not an HTTP status line: ${statusLine}`);
        partial = '';
        responses.push({
          status,
          headers,
          chunked: headers['transfer-encoding'] === 'chunked',
          text: '',
          frames: [],
          ended: false,
        });
        continue;
      }
      if (!current.chunked) {
        const length = current.headers['content-length'];
        if (length === undefined) {
          addBody(current, unparsed.toString('utf8'));
          unparsed = Buffer.alloc(0);
          return;
        }
        if (unparsed.length < Number(length)) return;
        addBody(current, unparsed.subarray(0, Number(length)).toString('utf8'));
        unparsed = unparsed.subarray(Number(length));
        current.ended = true;
        continue;
      }
      const sizeEnd = unparsed.indexOf('\r\n');
      if (sizeEnd < 0) return;
      const sizeLine = unparsed.subarray(0, sizeEnd).toString('latin1');
      if (!/^[0-9a-f]+$/i.test(sizeLine)) throw new Error(`bad chunk size line: ${JSON.stringify(sizeLine)}`);
      const size = Number.parseInt(sizeLine, 16);
      const chunkEnd = sizeEnd + 2 + size;
      if (unparsed.length < chunkEnd + 2) return;
      if (unparsed.subarray(chunkEnd, chunkEnd + 2).toString('latin1') !== '\r\n')
        throw new Error('a chunk does not end with CRLF');
      addBody(current, unparsed.subarray(sizeEnd + 2, chunkEnd).toString('utf8'));
      unparsed = unparsed.subarray(chunkEnd + 2);
      if (size === 0) current.ended = true;
    }
  };
  const recheck = () => {
    for (const check of [...waiting]) check();
  };
  socket.on('data', (bytes: Buffer) => {
    unparsed = unparsed.length ? Buffer.concat([unparsed, bytes]) : bytes;
    try {
      parse();
    } catch (error) {
      failure = error as Error;
      socket.destroy();
    }
    recheck();
  });
  socket.on('close', () => {
    closed = true;
    const last = responses.at(-1);
    if (last && !last.chunked && last.headers['content-length'] === undefined) last.ended = true;
    recheck();
  });
  socket.on('error', (error) => {
    failure ??= error;
  });
  return {
    socket,
    responses,
    send: (request) => socket.write(request),
    until: (check) =>
      new Promise((resolve, reject) => {
        const settle = () => {
          if (failure) reject(failure);
          else if (check()) resolve();
          else if (closed) reject(new Error('the connection closed first'));
          else return;
          waiting.delete(settle);
        };
        waiting.add(settle);
        settle();
      }),
  };
}

/** A POST of a GraphQL subscription that asks for server-sent events, as `openRawHttp` sends it. */
export function eventStreamRequest(
  query: string,
  { httpVersion = '1.1', headers = {} }: { httpVersion?: string; headers?: Record<string, string> } = {},
): string {
  const body = JSON.stringify({ query });
  return [
    `POST /graphql HTTP/${httpVersion}`,
    'Host: gateway.test',
    'Content-Type: application/json',
    'Accept: text/event-stream',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}
