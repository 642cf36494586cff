import { changeAlertLevel, insertAlert, recordAlertEvent } from '@bisa/db/alerts.ts';
import type { PrismaClient } from '@bisa/db/generated/prisma/client.ts';
import { datastreamIdOf, type TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from './gateway.ts';
import {
  alertTransition,
  execute,
  globalId,
  openAwasAlert,
  openSubscription,
  type SubscriptionEvent,
  signedInUsers,
  startTestGateway,
  type TestGateway,
} from './testing.ts';

// Alerts through GraphQL against the real PostgreSQL. The alert is opened the way the ingest
// evaluator opens one, through the shared repository functions (insertAlert, recordAlertEvent
// in one transaction, NOTIFY after commit): the gateway does not depend on ingest, and the
// evaluator's own rule logic is tested in ingest.

let testGateway: TestGateway;
let db: TestDatabase;
let gateway: Gateway;
let prisma: PrismaClient;
const PASSWORD = 'correct horse battery staple';
let cookies = new Map<string, string>();
const FLOOD = globalId('Programme', 'flood-early-warning');

type Caller = 'anonymous' | 'viewer' | 'operator' | 'admin';

const graphql = <T = Record<string, unknown>>(
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
) => execute<T>(gateway.yoga, query, variables, cookies.get(caller));

beforeAll(async () => {
  testGateway = await startTestGateway();
  ({ db, gateway, prisma } = testGateway);
  cookies = await signedInUsers(
    gateway.yoga,
    prisma,
    PASSWORD,
    (['VIEWER', 'OPERATOR', 'ADMIN'] as const).map((role) => ({
      key: role.toLowerCase(),
      email: `${role.toLowerCase()}@alerts.example`,
      name: `${role} user`,
      role,
    })),
  );
});

afterAll(() => testGateway?.stop());

const ALERT_FIELDS = `id state level peakLevel value acknowledgedBy acknowledgementNote closedBy escalations
  rule { name kind } datastream { key thing { databaseId } }
  events { type fromState toState toLevel actor note }
  notifications { webhookName eventType status }`;

interface AlertView {
  id: string;
  state: string;
  level: string;
  acknowledgedBy: string | null;
  acknowledgementNote: string | null;
  closedBy: string | null;
  escalations: number;
  events: {
    type: string;
    fromState: string | null;
    toState: string;
    actor: string | null;
    note: string | null;
  }[];
  notifications: { webhookName: string; eventType: string; status: string }[];
}

const STATES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'CLOSED'];

/** The next alertChanged event in `state`; the ones before it may only repeat earlier states. */
async function nextState(
  subscription: { next(): Promise<SubscriptionEvent> },
  state: string,
): Promise<Record<string, unknown>> {
  const earlier = STATES.slice(0, STATES.indexOf(state));
  for (;;) {
    const event = (await subscription.next()) as { data?: { alertChanged?: Record<string, unknown> } };
    const alert = event.data?.alertChanged;
    if (!alert) throw new Error(`subscription sent no alert: ${JSON.stringify(event)}`);
    if (alert.state === state) return alert;
    expect(earlier).toContain(alert.state);
  }
}

describe('alerts through GraphQL', () => {
  it('creates a rule, lists, streams, acknowledges and closes its alert with history and audit rows', async () => {
    const webhook = await graphql<{ createWebhook: { id: string; name: string; levels: string[] } }>(
      'admin',
      `mutation { createWebhook(input: { name: "BPBD gateway", url: "http://127.0.0.1:9/hook",
        secret: "drill-secret-0123456789", levels: ["SIAGA", "AWAS"] }) { id name levels dailySummary } }`,
    );
    expect(webhook.errors).toBeUndefined();
    // Limited to some levels, it does not take the daily summary unless it asks for it.
    expect(webhook.data?.createWebhook).toMatchObject({
      name: 'BPBD gateway',
      levels: ['SIAGA', 'AWAS'],
      dailySummary: false,
    });
    const secretAsked = await graphql('admin', '{ webhooks { nodes { secret } } }');
    expect(secretAsked.errors?.[0]?.message).toContain('Cannot query field "secret"');
    const webhookNode = 'query ($id: ID!) { node(id: $id) { ... on Webhook { name } } }';
    const webhookId = webhook.data?.createWebhook.id;
    expect((await graphql('admin', webhookNode, { id: webhookId })).data).toEqual({
      node: { name: 'BPBD gateway' },
    });
    const webhookByOperator = await graphql('operator', webhookNode, { id: webhookId });
    expect(webhookByOperator.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const datastreamId = await datastreamIdOf(db.database.sql, 'masamba-river-01', 'water_level');
    const created = await graphql<{ createAlertRule: { id: string; kind: string; windowSeconds: number } }>(
      'operator',
      `mutation ($ds: ID!) { createAlertRule(input: { name: "Kenaikan cepat (uji)", kind: RATE_OF_RISE,
         datastreamId: $ds, windowSeconds: 600, pendingSeconds: 20,
         levels: [{ level: "SIAGA", raise: 0.4, clear: 0.15 }, { level: "AWAS", raise: 1.0, clear: 0.4 }] }) {
         id kind windowSeconds levels { level raise clear } datastream { key } } }`,
      { ds: globalId('Datastream', datastreamId) },
    );
    expect(created.errors).toBeUndefined();
    const rule = created.data?.createAlertRule;
    if (!rule) throw new Error('no rule');
    expect(rule).toMatchObject({ kind: 'RATE_OF_RISE', windowSeconds: 600 });
    const ruleId = (await prisma.alertRule.findFirstOrThrow({ where: { name: 'Kenaikan cepat (uji)' } })).id;
    expect(rule.id).toBe(globalId('AlertRule', ruleId));

    // The evaluator's transaction for a reading that reached SIAGA.
    const openedAt = new Date();
    const alertId = await db.database.sql.transaction(async (tx) => {
      const id = await insertAlert(tx, {
        ruleId,
        datastreamId,
        level: 'SIAGA',
        value: 0.47,
        openedAt,
        now: openedAt,
      });
      if (!id) throw new Error('an alert was open already');
      await recordAlertEvent(tx, {
        alertId: id,
        at: openedAt,
        type: 'opened',
        fromState: null,
        toState: 'OPEN',
        fromLevel: 'NORMAL',
        toLevel: 'SIAGA',
        value: 0.47,
        readingTime: openedAt,
        actor: null,
        note: null,
      });
      return id;
    });
    const alertGid = globalId('Alert', alertId);

    // Anonymous callers read alerts like telemetry, but not who acted or the deliveries.
    const subscription = await openSubscription(
      async (url, init) => gateway.yoga.fetch(url, init),
      'http://gateway.test/graphql',
      `subscription { alertChanged(programmeId: "${FLOOD}", levels: ["SIAGA", "AWAS"]) {
        id state level acknowledgedBy notifications { status } } }`,
    );
    expect(await subscription.next()).toEqual({
      data: {
        alertChanged: {
          id: alertGid,
          state: 'OPEN',
          level: 'SIAGA',
          acknowledgedBy: null,
          notifications: [],
        },
      },
    });

    const open = await graphql<{ alerts: { totalCount: number; nodes: AlertView[] } }>(
      'viewer',
      `query ($p: ID!, $r: ID!) { alerts(openOnly: true, programmeId: $p, ruleId: $r) { totalCount nodes { ${ALERT_FIELDS} } } }`,
      { p: FLOOD, r: rule.id },
    );
    expect(open.errors).toBeUndefined();
    expect(open.data?.alerts.totalCount).toBe(1);
    expect(open.data?.alerts.nodes[0]).toMatchObject({
      id: alertGid,
      state: 'OPEN',
      level: 'SIAGA',
      escalations: 0,
      events: [{ type: 'OPENED', fromState: null, toState: 'OPEN' }],
      notifications: [{ webhookName: 'BPBD gateway', eventType: 'OPENED', status: 'PENDING' }],
    });
    const byNode = await graphql(
      'anonymous',
      'query ($id: ID!) { node(id: $id) { ... on Alert { state level } } }',
      {
        id: alertGid,
      },
    );
    expect(byNode.data).toEqual({ node: { state: 'OPEN', level: 'SIAGA' } });
    const otherLevel = await graphql<{ alerts: { totalCount: number } }>(
      'anonymous',
      'query ($r: ID!) { alerts(ruleId: $r, level: "AWAS") { totalCount } }',
      { r: rule.id },
    );
    expect(otherLevel.data?.alerts.totalCount).toBe(0);

    // Refusals: a viewer may read but not act; anonymous callers are told to sign in.
    const byViewer = await graphql('viewer', 'mutation ($id: ID!) { acknowledgeAlert(id: $id) { id } }', {
      id: alertGid,
    });
    expect(byViewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byNobody = await graphql('anonymous', 'mutation ($id: ID!) { closeAlert(id: $id) { id } }', {
      id: alertGid,
    });
    expect(byNobody.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const acked = await graphql<{ acknowledgeAlert: AlertView }>(
      'operator',
      `mutation ($id: ID!) { acknowledgeAlert(id: $id, note: "Tim BPBD menuju jembatan") { ${ALERT_FIELDS} } }`,
      { id: alertGid },
    );
    expect(acked.errors).toBeUndefined();
    expect(acked.data?.acknowledgeAlert).toMatchObject({
      state: 'ACKNOWLEDGED',
      acknowledgedBy: 'OPERATOR user <operator@alerts.example>',
      acknowledgementNote: 'Tim BPBD menuju jembatan',
    });
    expect(acked.data?.acknowledgeAlert.events.map((e) => [e.type, e.actor, e.note])).toEqual([
      ['OPENED', null, null],
      ['ACKNOWLEDGED', 'OPERATOR user <operator@alerts.example>', 'Tim BPBD menuju jembatan'],
    ]);
    // The NOTIFY of the opening can reach the gateway after the snapshot: the alert may come again.
    expect(await nextState(subscription, 'ACKNOWLEDGED')).toEqual({
      id: alertGid,
      state: 'ACKNOWLEDGED',
      level: 'SIAGA',
      acknowledgedBy: null,
      notifications: [],
    });
    const twice = await graphql('admin', 'mutation ($id: ID!) { acknowledgeAlert(id: $id) { id } }', {
      id: alertGid,
    });
    expect(twice.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(twice.errors?.[0]?.message).toBe(
      `alert ${alertGid} cannot be acknowledged: it is ACKNOWLEDGED, and only an OPEN alert can be acknowledged`,
    );

    const closed = await graphql<{ closeAlert: AlertView }>(
      'admin',
      `mutation ($id: ID!) { closeAlert(id: $id, note: "Air surut") { ${ALERT_FIELDS} } }`,
      { id: alertGid },
    );
    expect(closed.errors).toBeUndefined();
    expect(closed.data?.closeAlert).toMatchObject({
      state: 'CLOSED',
      closedBy: 'ADMIN user <admin@alerts.example>',
    });
    expect(closed.data?.closeAlert.events.map((e) => `${e.fromState}>${e.toState}`)).toEqual([
      'null>OPEN',
      'OPEN>ACKNOWLEDGED',
      'ACKNOWLEDGED>CLOSED',
    ]);
    // Every event went to the webhook that takes SIAGA.
    expect(closed.data?.closeAlert.notifications.map((n) => n.eventType)).toEqual([
      'OPENED',
      'ACKNOWLEDGED',
      'CLOSED',
    ]);
    expect(await nextState(subscription, 'CLOSED')).toMatchObject({ id: alertGid, state: 'CLOSED' });
    subscription.close();

    const audit = await prisma.auditEvent.findMany({
      where: { targetId: { in: [alertId, ruleId] }, outcome: 'ok' },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((row) => row.action)).toEqual(['createAlertRule', 'acknowledgeAlert', 'closeAlert']);
    const denied = await prisma.auditEvent.findMany({ where: { targetId: alertId, outcome: 'denied' } });
    expect(denied.map((row) => [row.action, row.via]).sort()).toEqual([
      ['acknowledgeAlert', 'session'],
      ['closeAlert', 'anonymous'],
    ]);

    // A rule with alerts keeps them: deleting is refused, disabling works.
    const deleted = await graphql('admin', 'mutation ($id: ID!) { deleteAlertRule(id: $id) }', {
      id: rule.id,
    });
    expect(deleted.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(deleted.errors?.[0]?.message).toContain('disable it instead');
    const disabled = await graphql<{ updateAlertRule: { enabled: boolean; pendingSeconds: number } }>(
      'operator',
      'mutation ($id: ID!) { updateAlertRule(input: { id: $id, enabled: false, pendingSeconds: 30 }) { enabled pendingSeconds } }',
      { id: rule.id },
    );
    expect(disabled.errors).toBeUndefined();
    expect(disabled.data?.updateAlertRule).toEqual({ enabled: false, pendingSeconds: 30 });
  });

  it('streams to a screen for some levels the alerts that enter or leave them, and nothing else', async () => {
    const datastreamId = await datastreamIdOf(db.database.sql, 'masamba-river-01', 'water_level');
    const screen = await openSubscription(
      async (url, init) => gateway.yoga.fetch(url, init),
      'http://gateway.test/graphql',
      `subscription { alertChanged(programmeId: "${FLOOD}", levels: ["AWAS"]) { id state level } }`,
    );
    const first = await openAwasAlert(db.database.sql, datastreamId, 'AWAS screen 1');
    expect(await screen.next()).toEqual({
      data: { alertChanged: { id: globalId('Alert', first), state: 'OPEN', level: 'AWAS' } },
    });
    await db.database.sql.transaction(async (tx) => {
      await changeAlertLevel(tx, first, {
        level: 'SIAGA',
        value: 3.2,
        rising: false,
        newPeak: false,
        now: new Date(),
      });
      await recordAlertEvent(
        tx,
        alertTransition(first, { type: 'deescalated', fromLevel: 'AWAS', toLevel: 'SIAGA', toState: 'OPEN' }),
      );
    });
    expect(await screen.next()).toEqual({
      data: { alertChanged: { id: globalId('Alert', first), state: 'OPEN', level: 'SIAGA' } },
    });
    // Acknowledged at SIAGA: neither enters nor leaves AWAS, so the next event is the next alert.
    const acked = await graphql('operator', 'mutation ($id: ID!) { acknowledgeAlert(id: $id) { state } }', {
      id: globalId('Alert', first),
    });
    expect(acked.errors).toBeUndefined();
    const second = await openAwasAlert(db.database.sql, datastreamId, 'AWAS screen 2');
    expect(await screen.next()).toEqual({
      data: { alertChanged: { id: globalId('Alert', second), state: 'OPEN', level: 'AWAS' } },
    });
    screen.close();
  });

  it('refuses invalid rules with what is wrong, and deletes a rule that never raised an alert', async () => {
    const noWindow = await graphql(
      'admin',
      `mutation { createAlertRule(input: { name: "x", kind: RATE_OF_RISE, thingId: "${globalId('Thing', 'masamba-river-01')}",
        levels: [{ level: "AWAS", raise: 1, clear: 0.4 }] }) { id } }`,
    );
    expect(noWindow.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(noWindow.errors?.[0]?.message).toBe(
      'windowSeconds: windowSeconds is required for RATE_OF_RISE rules and only for them',
    );
    const badLevels = await graphql(
      'admin',
      `mutation { createAlertRule(input: { name: "x", kind: THRESHOLD, thingId: "${globalId('Thing', 'masamba-river-01')}",
        levels: [{ level: "awas", raise: 1, clear: 2 }] }) { id } }`,
    );
    expect(badLevels.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badLevels.errors?.[0]?.message).toContain('must be 1-32 upper-case letters');
    const noTarget = await graphql(
      'admin',
      'mutation { createAlertRule(input: { name: "x", kind: NO_DATA, levels: [{ level: "WASPADA", raise: 3, clear: 1 }] }) { id } }',
    );
    expect(noTarget.errors?.[0]?.message).toContain('a rule needs a target');

    const fresh = await graphql<{ createAlertRule: { id: string } }>(
      'admin',
      `mutation { createAlertRule(input: { name: "tanpa data (uji)", kind: NO_DATA,
        thingId: "${globalId('Thing', 'masamba-river-01')}", levels: [{ level: "WASPADA", raise: 3, clear: 1 }] }) { id } }`,
    );
    const id = fresh.data?.createAlertRule.id;
    const gone = await graphql<{ deleteAlertRule: string }>(
      'operator',
      'mutation ($id: ID!) { deleteAlertRule(id: $id) }',
      {
        id,
      },
    );
    expect(gone.data?.deleteAlertRule).toBe(id);
    expect(await prisma.alertRule.count({ where: { name: 'tanpa data (uji)' } })).toBe(0);
  });

  it('creates and updates falling rules, refusing hysteresis the wrong way round with what is wrong', async () => {
    const thing = globalId('Thing', 'masamba-park-wifi-01');
    const create = (direction: string, kind: string, levels: string) =>
      graphql<{
        createAlertRule: { id: string; direction: string; levels: { raise: number; clear: number }[] };
      }>(
        'operator',
        `mutation { createAlertRule(input: { name: "Uptime rendah (uji)", kind: ${kind}, direction: ${direction},
          thingId: "${thing}", levels: ${levels} }) { id direction levels { raise clear } } }`,
      );
    const wrongWay = await create('FALLING', 'THRESHOLD', '[{ level: "WASPADA", raise: 98, clear: 97 }]');
    expect(wrongWay.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(wrongWay.errors?.[0]?.message).toBe(
      'levels: WASPADA: on a FALLING rule clear must be above raise (the value has to climb back to clear to leave the level)',
    );
    const misordered = await create(
      'FALLING',
      'THRESHOLD',
      '[{ level: "SIAGA", raise: 95, clear: 96 }, { level: "WASPADA", raise: 98, clear: 98.5 }]',
    );
    expect(misordered.errors?.[0]?.message).toBe(
      'levels: on a FALLING rule levels must be listed mildest first, each raise below the previous one',
    );
    const silentFalling = await create('FALLING', 'NO_DATA', '[{ level: "WASPADA", raise: 1, clear: 3 }]');
    expect(silentFalling.errors?.[0]?.message).toBe(
      'direction: NO_DATA rules are RISING: the silence only grows',
    );

    const created = await create(
      'FALLING',
      'THRESHOLD',
      '[{ level: "WASPADA", raise: 98, clear: 98.5 }, { level: "SIAGA", raise: 95, clear: 96 }]',
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createAlertRule).toMatchObject({
      direction: 'FALLING',
      levels: [{ raise: 98 }, { raise: 95 }],
    });
    const id = created.data?.createAlertRule.id;
    const update = (fields: string) =>
      graphql<{
        updateAlertRule: { direction: string; levels: { level: string; raise: number; clear: number }[] };
      }>(
        'operator',
        `mutation ($id: ID!) { updateAlertRule(input: { id: $id, ${fields} }) { direction levels { level raise clear } } }`,
        { id },
      );
    // Rising levels on the falling rule, and turning it around without new levels: both refused.
    const risingLevels = await update('levels: [{ level: "WASPADA", raise: 98, clear: 97 }]');
    expect(risingLevels.errors?.[0]?.message).toContain(
      'WASPADA: on a FALLING rule clear must be above raise',
    );
    const turned = await update('direction: RISING');
    expect(turned.errors?.[0]?.message).toBe(
      'levels: WASPADA: clear must not be above raise (it is the hysteresis below it); levels: SIAGA: clear must not be above raise (it is the hysteresis below it); levels: levels must be listed lowest first, each raise above the previous one',
    );
    const retuned = await update('levels: [{ level: "WASPADA", raise: 97, clear: 98 }]');
    expect(retuned.errors).toBeUndefined();
    expect(retuned.data?.updateAlertRule).toEqual({
      direction: 'FALLING',
      levels: [{ level: 'WASPADA', raise: 97, clear: 98 }],
    });
    const rising = await update('direction: RISING, levels: [{ level: "WASPADA", raise: 99, clear: 98 }]');
    expect(rising.errors).toBeUndefined();
    expect(rising.data?.updateAlertRule.direction).toBe('RISING');
  });
});
