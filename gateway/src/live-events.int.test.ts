import { changeAlertLevel, recordAlertEvent } from '@bisa/db/alerts.ts';
import type { PrismaClient } from '@bisa/db/generated/prisma/client.ts';
import { notifyReadingsCommitted } from '@bisa/db/notifications.ts';
import { datastreamIdOf, type TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from './gateway.ts';
import {
  alertTransition,
  execute,
  globalId,
  insertReadings,
  openAwasAlert,
  openSubscription,
  type SubscriptionEvent,
  signedInUsers,
  startTestGateway,
  type TestGateway,
} from './testing.ts';

// liveEvents against the real PostgreSQL: each part must send what its separate field sends,
// in the same order and to the same callers. Readings, alerts and reports enter the way they
// do in production (NOTIFY on commit, the alert repository, the report mutations), and every
// stream is compared with the separate field opened next to it.

let testGateway: TestGateway;
let db: TestDatabase;
let gateway: Gateway;
let prisma: PrismaClient;
let waterLevel: number;
let pm25: number;
let observedOn: string;
const PASSWORD = 'correct horse battery staple';
let cookies = new Map<string, string>();
const FLOOD = globalId('Programme', 'flood-early-warning');
const FLOOD_KPI = globalId('Kpi', 'flood-villages-reached');

type Caller = 'anonymous' | 'viewer' | 'reporter' | 'admin';

const graphql = (caller: Caller, query: string, variables: Record<string, unknown> = {}) =>
  execute<Record<string, { id: string }>>(gateway.yoga, query, variables, cookies.get(caller));

function subscribe(query: string, caller: Caller = 'anonymous') {
  const cookie = cookies.get(caller);
  return openSubscription(
    async (url, init) =>
      gateway.yoga.fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
      }),
    'http://gateway.test/graphql',
    query,
  );
}

beforeAll(async () => {
  testGateway = await startTestGateway();
  ({ db, gateway, prisma } = testGateway);
  waterLevel = await datastreamIdOf(db.database.sql, 'masamba-river-01', 'water_level');
  pm25 = await datastreamIdOf(db.database.sql, 'masamba-market-aq-01', 'pm25');
  cookies = await signedInUsers(
    gateway.yoga,
    prisma,
    PASSWORD,
    (
      [
        { key: 'viewer', role: 'VIEWER', agencyId: null },
        { key: 'reporter', role: 'REPORTER', agencyId: 'bpbd' },
        { key: 'admin', role: 'ADMIN', agencyId: null },
      ] as const
    ).map((user) => ({ ...user, email: `${user.key}@live-events.example`, name: `${user.key} user` })),
  );
  const kpi = await prisma.kpi.findUniqueOrThrow({ where: { id: 'flood-villages-reached' } });
  observedOn = new Date(kpi.periodStart.getTime() + 86_400_000).toISOString().slice(0, 10);
});

afterAll(() => testGateway?.stop());

const commit = (readings: { datastreamId: number; time: string; value: number }[]) =>
  db.database.sql.transaction((tx) => notifyReadingsCommitted(tx, readings));

const READING = 'datastreamId time value';
const ALERT = 'id state level acknowledgedBy';
const REPORT = 'value status reviewer';

describe('liveEvents subscription', () => {
  it("sends each part's events as its own field does, in its order, interleaved as they come", async () => {
    const openBefore = await openAwasAlert(db.database.sql, waterLevel, 'open before the screen');
    const separate = {
      readings: await subscribe(`subscription { readingsCommitted(programmeId: "${FLOOD}") { ${READING} } }`),
      alerts: await subscribe(`subscription { alertChanged(programmeId: "${FLOOD}") { ${ALERT} } }`),
      reports: await subscribe(
        `subscription { progressReportChanged(programmeId: "${FLOOD}") { ${REPORT} } }`,
      ),
    };
    const merged = await subscribe(
      `subscription { liveEvents(readings: { programmeId: "${FLOOD}" }, alerts: { programmeId: "${FLOOD}" },
          progressReports: { programmeId: "${FLOOD}" }) {
        __typename
        ... on ReadingsCommittedEvent { readings { ${READING} } }
        ... on AlertChangedEvent { alert { ${ALERT} } }
        ... on OpenAlertsSentEvent { count }
        ... on ProgressReportChangedEvent { progressReport { ${REPORT} } }
      } }`,
    );
    const received: SubscriptionEvent[] = [];
    const next = async () => {
      const event = await merged.next();
      received.push(event);
      return event;
    };

    // The open alerts come first, as alertChanged sends them.
    expect(await next()).toEqual({
      data: {
        liveEvents: {
          __typename: 'AlertChangedEvent',
          alert: { id: globalId('Alert', openBefore), state: 'OPEN', level: 'AWAS', acknowledgedBy: null },
        },
      },
    });
    // Then one event more than alertChanged sends: every alert open at the start has come.
    expect((await next()).data).toEqual({ liveEvents: { __typename: 'OpenAlertsSentEvent', count: 1 } });
    // Readings of another programme's device are left out, as readingsCommitted leaves them out.
    await commit([{ datastreamId: pm25, time: '2026-11-28T03:00:00.000Z', value: 35 }]);
    await commit([
      { datastreamId: pm25, time: '2026-11-28T03:00:01.000Z', value: 36 },
      { datastreamId: waterLevel, time: '2026-11-28T03:00:01.000Z', value: 3.6 },
    ]);
    expect((await next()).data).toEqual({
      liveEvents: {
        __typename: 'ReadingsCommittedEvent',
        readings: [
          { datastreamId: globalId('Datastream', waterLevel), time: '2026-11-28T03:00:01.000Z', value: 3.6 },
        ],
      },
    });
    await db.database.sql.transaction(async (tx) => {
      await changeAlertLevel(tx, openBefore, {
        level: 'SIAGA',
        value: 3.2,
        rising: false,
        newPeak: false,
        now: new Date(),
      });
      await recordAlertEvent(
        tx,
        alertTransition(openBefore, {
          type: 'deescalated',
          fromLevel: 'AWAS',
          toLevel: 'SIAGA',
          toState: 'OPEN',
        }),
      );
    });
    expect((await next()).data).toMatchObject({
      liveEvents: { __typename: 'AlertChangedEvent', alert: { level: 'SIAGA' } },
    });
    const submitted = await graphql(
      'reporter',
      `mutation ($on: Date!) { submitProgressReport(input: { kpiId: "${FLOOD_KPI}", value: 31, observedOn: $on }) { id } }`,
      { on: observedOn },
    );
    expect(submitted.errors).toBeUndefined();
    expect((await next()).data).toEqual({
      liveEvents: {
        __typename: 'ProgressReportChangedEvent',
        progressReport: { value: 31, status: 'SUBMITTED', reviewer: null },
      },
    });
    const approved = await graphql(
      'admin',
      'mutation ($id: ID!) { reviewProgressReport(input: { id: $id, approve: true }) { id } }',
      {
        id: submitted.data?.submitProgressReport?.id,
      },
    );
    expect(approved.errors).toBeUndefined();
    expect((await next()).data).toMatchObject({
      liveEvents: { __typename: 'ProgressReportChangedEvent', progressReport: { status: 'APPROVED' } },
    });
    await commit([{ datastreamId: waterLevel, time: '2026-11-28T03:00:02.000Z', value: 3.1 }]);
    expect((await next()).data).toMatchObject({ liveEvents: { __typename: 'ReadingsCommittedEvent' } });
    merged.close();

    // Every separate stream sent exactly the merged events of its type, in the same order.
    const ofType = (typename: string, field: string) =>
      received
        .map((event) => (event.data as { liveEvents: Record<string, unknown> }).liveEvents)
        .filter((event) => event.__typename === typename)
        .map((event) => event[field]);
    const nextOf = async (stream: typeof merged, count: number) => {
      const events: unknown[] = [];
      for (let i = 0; i < count; i++) events.push(Object.values((await stream.next()).data as object)[0]);
      stream.close();
      return events;
    };
    const readings = ofType('ReadingsCommittedEvent', 'readings');
    const alerts = ofType('AlertChangedEvent', 'alert');
    const reports = ofType('ProgressReportChangedEvent', 'progressReport');
    expect([readings.length, alerts.length, reports.length]).toEqual([2, 2, 2]);
    expect(await nextOf(separate.readings, readings.length)).toEqual(readings);
    expect(await nextOf(separate.alerts, alerts.length)).toEqual(alerts);
    expect(await nextOf(separate.reports, reports.length)).toEqual(reports);
  });

  it('sends a KPI change as kpiChanged does, next to the reading that moved it', async () => {
    const kpiIds = `["${globalId('Kpi', 'market-pm25')}"]`;
    const alone = await subscribe(
      `subscription { kpiChanged(kpiIds: ${kpiIds}) { databaseId evaluation { actual } } }`,
    );
    const merged = await subscribe(
      `subscription { liveEvents(kpis: { kpiIds: ${kpiIds} }, readings: { thingIds: ["${globalId('Thing', 'masamba-market-aq-01')}"] }) {
        __typename
        ... on ReadingsCommittedEvent { readings { value } }
        ... on KpiChangedEvent { kpi { databaseId evaluation { actual } } }
      } }`,
    );
    const time = new Date(Date.now() - 1000).toISOString();
    await insertReadings(db.database.sql, pm25, [{ time, value: 42 }]);
    await commit([{ datastreamId: pm25, time, value: 42 }]);
    const kpi = ((await alone.next()).data as { kpiChanged: unknown }).kpiChanged;
    alone.close();
    expect(kpi).toMatchObject({ databaseId: 'market-pm25' });
    // The KPI is evaluated after the commit, so it may come after the reading; both come.
    const events = [(await merged.next()).data, (await merged.next()).data];
    merged.close();
    expect(events).toEqual(
      expect.arrayContaining([
        { liveEvents: { __typename: 'ReadingsCommittedEvent', readings: [{ value: 42 }] } },
        { liveEvents: { __typename: 'KpiChangedEvent', kpi } },
      ]),
    );
  });

  it('shows each caller what the separate field shows them: a name only to the signed-in', async () => {
    const alertId = await openAwasAlert(db.database.sql, waterLevel, 'acknowledged on the wall');
    const acknowledged = await graphql(
      'admin',
      'mutation ($id: ID!) { acknowledgeAlert(id: $id) { state } }',
      {
        id: globalId('Alert', alertId),
      },
    );
    expect(acknowledged.errors).toBeUndefined();
    const ours = (events: SubscriptionEvent) => JSON.stringify(events).includes(globalId('Alert', alertId));
    const firstOurs = async (stream: Awaited<ReturnType<typeof subscribe>>) => {
      for (;;) {
        const event = await stream.next();
        if (ours(event)) {
          stream.close();
          return event.data;
        }
      }
    };
    const merged =
      'subscription { liveEvents(alerts: {}) { ... on AlertChangedEvent { alert { id acknowledgedBy } } } }';
    const separate = 'subscription { alertChanged { id acknowledgedBy } }';
    const seen = new Map<Caller, unknown>();
    for (const caller of ['anonymous', 'viewer'] as const) {
      const alone = (await firstOurs(await subscribe(separate, caller))) as { alertChanged: unknown };
      expect(await firstOurs(await subscribe(merged, caller))).toEqual({
        liveEvents: { alert: alone.alertChanged },
      });
      seen.set(caller, alone.alertChanged);
    }
    expect(seen.get('anonymous')).toEqual({ id: globalId('Alert', alertId), acknowledgedBy: null });
    expect(seen.get('viewer')).toEqual({
      id: globalId('Alert', alertId),
      acknowledgedBy: 'admin user <admin@live-events.example>',
    });
  });

  it('refuses a part as its own field refuses it, and a stream with no part at all', async () => {
    const unknown = await subscribe(
      `subscription { liveEvents(alerts: {}, readings: { programmeId: "${globalId('Programme', 'nope')}" }) { __typename } }`,
    );
    const refused = await unknown.next();
    unknown.close();
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(refused.errors?.[0]?.message).toContain('No programme has the id "nope"');
    const empty = await subscribe('subscription { liveEvents { __typename } }');
    const nothing = await empty.next();
    empty.close();
    expect(nothing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
