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
