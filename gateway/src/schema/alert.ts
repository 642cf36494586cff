import {
  AlertActionError,
  type AlertRuleInput,
  acknowledgeAlert,
  closeAlert,
  createAlertRule,
  createWebhook,
  deleteAlertRule,
  deleteWebhook,
  levelsSchemaFor,
  updateAlertRule,
} from '@bisa/db/alerts.ts';
import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { ZodError, z } from 'zod';
import { auditedRefusal, recordAudit } from '../audit.ts';
import type { Viewer } from '../auth/viewer.ts';
import { builder } from '../builder.ts';
import type { GatewayContext } from '../context.ts';
import { badUserInput, type DecodedId, idOf, parseDatastreamId, validationFailed } from '../errors.ts';
import { currentThenChanges } from '../live-stream.ts';
import { sqlOf } from '../prisma-sql.ts';
import { DATABASE_ID } from './node.ts';

// Alerts are read like the telemetry they come from: without signing in (the public map and the
// wall screen show them). Who acted and what they wrote are a person's words and name, so those
// fields, and the webhooks' delivery state, answer only signed-in callers.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_NOTE = 2000;

const AlertRuleKind = builder.enumType('AlertRuleKind', {
  description:
    'THRESHOLD: the value. RATE_OF_RISE: the change over the window (the rise, or with direction FALLING the fall, a negative number). NO_DATA: the silence, in expected intervals.',
  values: ['THRESHOLD', 'RATE_OF_RISE', 'NO_DATA'] as const,
});

const AlertDirection = builder.enumType('AlertDirection', {
  description: 'Which way the measure is bad; NO_DATA rules are always RISING.',
  values: {
    RISING: { description: 'High values alarm: a level is entered at raise or above, left below clear.' },
    FALLING: {
      description:
        'Low values alarm (a reservoir, pressure, soil moisture, a battery): a level is entered at raise or below, left at clear or above (clear > raise).',
    },
  } as const,
});

const AlertState = builder.enumType('AlertState', {
  description: 'OPEN, then ACKNOWLEDGED by a person, RESOLVED when the condition clears, CLOSED by a person.',
  values: ['OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'CLOSED'] as const,
});

const AlertEventType = builder.enumType('AlertEventType', {
  values: {
    OPENED: { value: 'opened' },
    ESCALATED: { value: 'escalated', description: 'The level rose while open.' },
    DEESCALATED: { value: 'deescalated', description: 'The level fell while open.' },
    ACKNOWLEDGED: { value: 'acknowledged' },
    RESOLVED: { value: 'resolved' },
    CLOSED: { value: 'closed' },
    REMINDER: { value: 'reminder', description: 'Sent again by the cadence of its level.' },
  } as const,
});

const NotificationStatus = builder.enumType('NotificationStatus', {
  description:
    'PENDING: not delivered yet (retrying). DELIVERED: a 2xx answer. DEAD: gave up after the retries.',
  values: ['PENDING', 'DELIVERED', 'DEAD'] as const,
});

interface Level {
  level: string;
  raise: number;
  clear: number;
}

const AlertLevel = builder.objectRef<Level>('AlertLevel').implement({
  description:
    "A named level: entered when the measure reaches `raise`, left when it is back beyond `clear`, in the rule's direction.",
  fields: (t) => ({
    level: t.exposeString('level', { description: 'Upper case, e.g. WASPADA, SIAGA, AWAS.' }),
    raise: t.exposeFloat('raise'),
    clear: t.exposeFloat('clear', {
      description: 'The hysteresis: at or below raise on a RISING rule, above raise on a FALLING one.',
    }),
  }),
});

const AlertLevelInput = builder.inputType('AlertLevelInput', {
  fields: (t) => ({
    level: t.string({ required: true }),
    raise: t.float({ required: true }),
    clear: t.float({ required: true }),
  }),
});

/** A person's name and words: for signed-in callers only (null for anyone else). */
const signedInOnly = {
  nullable: true,
  authScopes: { signedIn: true },
  unauthorizedResolver: () => null,
} as const;

builder.prismaNode('AlertRule', {
  description: 'Turns the readings of its target datastreams into alerts (docs/alerts.md).',
  id: { resolve: (rule) => rule.id },
  findUnique: (id) => ({ id: uuidOf(id, 'alert rule') }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: AlertRuleKind }),
    direction: t.expose('direction', { type: AlertDirection }),
    levels: t.field({
      type: [AlertLevel],
      description: 'Mildest first.',
      resolve: (rule) => levelsSchemaFor(rule.direction).parse(rule.levels),
    }),
    windowSeconds: t.exposeInt('windowSeconds', {
      nullable: true,
      description: 'RATE_OF_RISE: the window the rise is measured over.',
    }),
    pendingSeconds: t.exposeInt('pendingSeconds', {
      description: 'A change of level counts once its condition has held this long.',
    }),
    enabled: t.exposeBoolean('enabled'),
    isSample: t.exposeBoolean('isSample'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    // The target: every datastream that matches all of the set ones.
    datastream: t.relation('datastream', { nullable: true }),
    programme: t.relation('programme', { nullable: true }),
    observedProperty: t.relation('observedProperty', { nullable: true }),
    thing: t.relation('thing', { nullable: true }),
    location: t.relation('location', { nullable: true }),
  }),
});

builder.prismaNode('Alert', {
  description: 'A rule on one datastream that reached one of its levels; at most one is open per pair.',
  id: { resolve: (alert) => alert.id },
  findUnique: (id) => ({ id: uuidOf(id, 'alert') }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
    rule: t.relation('rule'),
    datastream: t.relation('datastream'),
    level: t.exposeString('level', { description: 'The level now (the last one while resolved or closed).' }),
    peakLevel: t.exposeString('peakLevel', { description: 'The highest level it reached.' }),
    state: t.expose('state', { type: AlertState }),
    value: t.exposeFloat('value', { description: "The rule's measure at the last transition." }),
    openedAt: t.expose('openedAt', { type: 'DateTime' }),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
    acknowledgedBy: t.exposeString('acknowledgedBy', signedInOnly),
    acknowledgementNote: t.exposeString('ackNote', signedInOnly),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    closedBy: t.exposeString('closedBy', signedInOnly),
    escalations: t.relationCount('events', {
      description: 'How often the level rose while open.',
      where: { type: 'escalated' },
    }),
    events: t.relation('events', {
      description: 'The history, oldest first: every transition, acknowledgement and reminder.',
      query: { orderBy: { id: 'asc' } },
    }),
    notifications: t.prismaField({
      type: ['AlertNotification'],
      description: 'Its webhook deliveries, oldest first (signed-in callers; empty for anyone else).',
      authScopes: { signedIn: true },
      unauthorizedResolver: () => [],
      resolve: (query, alert, _args, context) =>
        context.prisma.alertNotification.findMany({
          ...query,
          where: { event: { alertId: alert.id } },
          orderBy: { id: 'asc' },
        }),
    }),
  }),
});

builder.prismaObject('AlertEvent', {
  description: 'One row of an alert’s append-only history.',
  fields: (t) => ({
    id: t.id({ resolve: (event) => String(event.id) }),
    at: t.expose('at', { type: 'DateTime' }),
    type: t.field({ type: AlertEventType, resolve: (event) => eventType(event.type) }),
    fromState: t.expose('fromState', { type: AlertState, nullable: true }),
    toState: t.expose('toState', { type: AlertState }),
    fromLevel: t.exposeString('fromLevel', { nullable: true }),
    toLevel: t.exposeString('toLevel'),
    value: t.exposeFloat('value', {
      nullable: true,
      description: "The rule's measure; null for a person's action.",
    }),
    readingTime: t.expose('readingTime', {
      type: 'DateTime',
      nullable: true,
      description: 'The reading that caused it; null for a person’s action.',
    }),
    actor: t.exposeString('actor', signedInOnly),
    note: t.exposeString('note', signedInOnly),
  }),
});

builder.prismaObject('AlertNotification', {
  description: 'One webhook delivery of one alert event (the outbox row).',
  fields: (t) => ({
    id: t.id({ resolve: (row) => String(row.id) }),
    webhookName: t.string({
      select: { webhook: { select: { name: true } } },
      resolve: (row) => row.webhook.name,
    }),
    eventType: t.field({
      type: AlertEventType,
      select: { event: { select: { type: true } } },
      // Reached only through Alert.notifications, which selects the deliveries of its events;
      // the outbox's daily-summary rows have no event and no alert.
      resolve: (row) => {
        if (!row.event) throw new Error(`notification ${row.id} is a daily summary, not an alert event`);
        return eventType(row.event.type);
      },
    }),
    status: t.expose('status', { type: NotificationStatus }),
    attempts: t.exposeInt('attempts'),
    lastError: t.exposeString('lastError', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.prismaNode('Webhook', {
  description:
    'Receives a signed POST per alert event of its levels (docs/alerts.md). Its secret is never shown.',
  id: { resolve: (webhook) => webhook.id },
  findUnique: (id) => ({ id: uuidOf(id, 'webhook') }),
  nullable: true,
  // Only administrators see webhooks, through node(id) as well as through `webhooks`.
  authScopes: { admin: true },
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
    name: t.exposeString('name'),
    url: t.exposeString('url'),
    levels: t.exposeStringList('levels', { description: 'Levels it receives; empty: every level.' }),
    dailySummary: t.exposeBoolean('dailySummary', {
      description: 'Whether it receives the daily summary (docs/alerts.md), besides the alert events.',
    }),
    enabled: t.exposeBoolean('enabled'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

type EventTypeValue =
  | 'opened'
  | 'escalated'
  | 'deescalated'
  | 'acknowledged'
  | 'resolved'
  | 'closed'
  | 'reminder';
const EVENT_TYPES = new Set<string>([
  'opened',
  'escalated',
  'deescalated',
  'acknowledged',
  'resolved',
  'closed',
  'reminder',
]);

function eventType(type: string): EventTypeValue {
  if (!EVENT_TYPES.has(type)) throw new Error(`unknown alert event type "${type}" in alert_event`);
  return type as EventTypeValue;
}

/** Alert, rule and webhook ids are UUIDs: anything else would fail in the database instead. */
function uuidOf(id: string, what: string): string {
  if (!UUID.test(id)) throw badUserInput(`"${id}" is not an id of an ${what}`);
  return id;
}

// ---------------------------------------------------------------------------------------------
// Queries

builder.queryField('alertRules', (t) =>
  t.prismaConnection(
    {
      type: 'AlertRule',
      cursor: 'id',
      description: 'Alert rules, oldest first.',
      args: { enabled: t.arg.boolean({ required: false }) },
      totalCount: (_connection, args, context) => context.prisma.alertRule.count({ where: rulesWhere(args) }),
      resolve: (query, _root, args, context) =>
        context.prisma.alertRule.findMany({
          ...query,
          where: rulesWhere(args),
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        }),
    },
    { name: 'AlertRuleConnection' },
    { name: 'AlertRuleEdge' },
  ),
);

function rulesWhere(filter: { enabled?: boolean | null }): Prisma.AlertRuleWhereInput {
  return filter.enabled === undefined || filter.enabled === null ? {} : { enabled: filter.enabled };
}

type AlertStateValue = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED' | 'CLOSED';

interface AlertFilter {
  states?: AlertStateValue[] | null;
  openOnly?: boolean | null;
  level?: string | null;
  programmeId?: DecodedId | null;
  datastreamId?: DecodedId | null;
  thingId?: DecodedId | null;
  ruleId?: DecodedId | null;
}

builder.queryField('alerts', (t) =>
  t.prismaConnection(
    {
      type: 'Alert',
      cursor: 'id',
      description: 'Alerts, newest first; every filter given must match.',
      args: {
        states: t.arg({ type: [AlertState], required: false }),
        openOnly: t.arg.boolean({
          required: false,
          description: 'Only OPEN and ACKNOWLEDGED alerts: what the control room still has to handle.',
        }),
        level: t.arg.string({ required: false, description: 'The level now, e.g. AWAS.' }),
        programmeId: t.arg.globalID({ required: false }),
        datastreamId: t.arg.globalID({ required: false }),
        thingId: t.arg.globalID({ required: false }),
        ruleId: t.arg.globalID({ required: false }),
      },
      totalCount: (_connection, args, context) => context.prisma.alert.count({ where: alertsWhere(args) }),
      resolve: (query, _root, args, context) =>
        context.prisma.alert.findMany({
          ...query,
          where: alertsWhere(args),
          orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'AlertConnection' },
    { name: 'AlertEdge' },
  ),
);

const OPEN_STATES: AlertStateValue[] = ['OPEN', 'ACKNOWLEDGED'];

function alertsWhere(filter: AlertFilter): Prisma.AlertWhereInput {
  const thing: Prisma.ThingWhereInput = {
    ...(filter.programmeId ? { programmeId: idOf(filter.programmeId, 'Programme') } : {}),
    ...(filter.thingId ? { id: idOf(filter.thingId, 'Thing') } : {}),
  };
  const states = filter.openOnly
    ? OPEN_STATES.filter((state) => !filter.states || filter.states.includes(state))
    : (filter.states ?? undefined);
  return {
    ...(states ? { state: { in: states } } : {}),
    ...(filter.level ? { level: filter.level } : {}),
    ...(filter.datastreamId
      ? { datastreamId: parseDatastreamId(idOf(filter.datastreamId, 'Datastream')) }
      : {}),
    ...(filter.ruleId ? { ruleId: uuidOf(idOf(filter.ruleId, 'AlertRule'), 'alert rule') } : {}),
    ...(Object.keys(thing).length > 0 ? { datastream: { thing } } : {}),
  };
}

builder.queryField('webhooks', (t) =>
  t.prismaConnection(
    {
      type: 'Webhook',
      cursor: 'id',
      description: 'Alert webhooks, oldest first (administrators).',
      authScopes: { admin: true },
      totalCount: (_connection, _args, context) => context.prisma.webhook.count(),
      resolve: (query, _root, _args, context) =>
        context.prisma.webhook.findMany({ ...query, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    },
    { name: 'WebhookConnection' },
    { name: 'WebhookEdge' },
  ),
);

// ---------------------------------------------------------------------------------------------
// Mutations

const CreateAlertRuleInput = builder.inputType('CreateAlertRuleInput', {
  description: 'Set at least one target: a datastream, a property within a programme, a thing or a location.',
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: AlertRuleKind, required: true }),
    direction: t.field({
      type: AlertDirection,
      required: false,
      description: 'Default RISING. FALLING needs clear above raise on every level.',
    }),
    levels: t.field({
      type: [AlertLevelInput],
      required: true,
      description: 'Mildest first: raise ascending on a RISING rule, descending on a FALLING one.',
    }),
    windowSeconds: t.int({ required: false, description: 'Required for RATE_OF_RISE, and only for it.' }),
    pendingSeconds: t.int({ required: false, description: 'Default 0.' }),
    enabled: t.boolean({ required: false, description: 'Default true.' }),
    datastreamId: t.globalID({ required: false }),
    programmeId: t.globalID({ required: false }),
    observedPropertyId: t.globalID({ required: false }),
    thingId: t.globalID({ required: false }),
    locationId: t.globalID({ required: false }),
  }),
});

const UpdateAlertRuleInput = builder.inputType('UpdateAlertRuleInput', {
  description: 'Fields left out keep their value. Kind and target cannot change: create a new rule instead.',
  fields: (t) => ({
    id: t.globalID({ required: true }),
    name: t.string({ required: false }),
    direction: t.field({
      type: AlertDirection,
      required: false,
      description:
        'Refused while one of its alerts is open; the levels (given or kept) must suit the new direction.',
    }),
    levels: t.field({
      type: [AlertLevelInput],
      required: false,
      description: 'Refused while one of its alerts is open.',
    }),
    windowSeconds: t.int({ required: false }),
    pendingSeconds: t.int({ required: false }),
    enabled: t.boolean({ required: false, description: 'false stops it; its alerts and history stay.' }),
  }),
});

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    url: t.string({ required: true, description: 'http:// or https://' }),
    secret: t.string({ required: true, description: 'At least 16 characters; it signs every body.' }),
    levels: t.stringList({
      required: false,
      description: 'Levels it receives; empty or left out: every level.',
    }),
    dailySummary: t.boolean({
      required: false,
      description:
        'Whether it receives the daily summary. Left out: true for a webhook of every level, false for one limited to some levels.',
    }),
    enabled: t.boolean({ required: false }),
  }),
});

const note = z.string().trim().max(MAX_NOTE, `at most ${MAX_NOTE} characters`);

/** Keys whose value is null are left out: GraphQL's "not given" is the repository's `undefined`. */
function given<T extends Record<string, unknown>>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

function signedInViewer(context: GatewayContext): Viewer {
  if (!context.viewer) throw new Error('authScopes let an anonymous request through');
  return context.viewer;
}

/**
 * Runs a mutation's change and its audit row in one transaction. The repository's refusals
 * (AlertActionError, a ZodError naming bad fields) are the caller's mistake: BAD_USER_INPUT.
 * Callers load what the client selected after the commit: the transaction stays short, and
 * Prisma loads a selection's relations in parallel, which one transaction's connection cannot
 * do (pg warns of overlapping queries).
 */
async function audited<T>(
  context: GatewayContext,
  work: (tx: Prisma.TransactionClient, viewer: Viewer) => Promise<T>,
): Promise<T> {
  const viewer = signedInViewer(context);
  try {
    return await context.prisma.$transaction((tx) => work(tx, viewer));
  } catch (error) {
    if (error instanceof AlertActionError) throw badUserInput(error.message);
    if (error instanceof ZodError) throw validationFailed(error.issues);
    throw error;
  }
}

/** How a person is named in alert history and webhooks: their name and e-mail address. */
async function actorName(tx: Prisma.TransactionClient, viewer: Viewer): Promise<string> {
  const user = await tx.user.findUniqueOrThrow({ where: { id: viewer.userId } });
  return `${user.name} <${user.email}>`;
}

builder.mutationFields((t) => {
  /** Acknowledge and close: an operator acts on one alert with an optional note, audited. */
  const alertAction = (
    action: 'acknowledgeAlert' | 'closeAlert',
    description: string,
    change: typeof acknowledgeAlert | typeof closeAlert,
  ) =>
    t.prismaField({
      type: 'Alert',
      description,
      args: {
        id: t.arg.globalID({ required: true }),
        note: t.arg.string({ required: false, validate: note }),
      },
      authScopes: { operator: true },
      ...auditedRefusal,
      resolve: async (query, _root, args, context) => {
        const changed = await audited(context, async (tx, viewer) => {
          const id = uuidOf(idOf(args.id, 'Alert'), 'alert');
          const text = args.note?.trim() || undefined;
          try {
            await change(sqlOf(tx), {
              alertId: id,
              by: await actorName(tx, viewer),
              ...(text ? { note: text } : {}),
              now: new Date(),
            });
          } catch (error) {
            // The refusal names the alert by its database id; the client knows the global id it sent.
            if (error instanceof AlertActionError) {
              throw new AlertActionError(error.message.replace(id, encodeGlobalID('Alert', id)));
            }
            throw error;
          }
          await recordAudit(tx, viewer, { action, outcome: 'ok', targetId: id });
          return id;
        });
        return context.prisma.alert.findUniqueOrThrow({ ...query, where: { id: changed } });
      },
    });
  return {
    createAlertRule: t.prismaField({
      type: 'AlertRule',
      description: 'Adds an alert rule (administrators and operators).',
      args: { input: t.arg({ type: CreateAlertRuleInput, required: true }) },
      authScopes: { operator: true },
      ...auditedRefusal,
      resolve: async (query, _root, { input }, context) => {
        const changed = await audited(context, async (tx, viewer) => {
          const rule: AlertRuleInput = {
            name: input.name,
            kind: input.kind,
            levels: input.levels,
            ...given({
              direction: input.direction,
              windowSeconds: input.windowSeconds,
              pendingSeconds: input.pendingSeconds,
              enabled: input.enabled,
            }),
            target: given({
              datastreamId: input.datastreamId
                ? parseDatastreamId(idOf(input.datastreamId, 'Datastream'))
                : undefined,
              programmeId: input.programmeId ? idOf(input.programmeId, 'Programme') : undefined,
              observedPropertyId: input.observedPropertyId
                ? idOf(input.observedPropertyId, 'ObservedProperty')
                : undefined,
              thingId: input.thingId ? idOf(input.thingId, 'Thing') : undefined,
              locationId: input.locationId ? idOf(input.locationId, 'Location') : undefined,
            }),
          };
          const id = await createAlertRule(sqlOf(tx), rule);
          await recordAudit(tx, viewer, {
            action: 'createAlertRule',
            outcome: 'ok',
            targetId: id,
            detail: { name: input.name, kind: input.kind, direction: input.direction ?? 'RISING' },
          });
          return id;
        });
        return context.prisma.alertRule.findUniqueOrThrow({ ...query, where: { id: changed } });
      },
    }),
    updateAlertRule: t.prismaField({
      type: 'AlertRule',
      description:
        'Changes a rule (administrators and operators); `enabled: false` stops it and keeps its history.',
      args: { input: t.arg({ type: UpdateAlertRuleInput, required: true }) },
      authScopes: { operator: true },
      ...auditedRefusal,
      resolve: async (query, _root, { input }, context) => {
        const changed = await audited(context, async (tx, viewer) => {
          const id = uuidOf(idOf(input.id, 'AlertRule'), 'alert rule');
          const change = given({
            name: input.name,
            direction: input.direction,
            levels: input.levels,
            windowSeconds: input.windowSeconds,
            pendingSeconds: input.pendingSeconds,
            enabled: input.enabled,
          });
          await updateAlertRule(sqlOf(tx), id, change);
          await recordAudit(tx, viewer, {
            action: 'updateAlertRule',
            outcome: 'ok',
            targetId: id,
            detail: { fields: Object.keys(change) },
          });
          return id;
        });
        return context.prisma.alertRule.findUniqueOrThrow({ ...query, where: { id: changed } });
      },
    }),
    deleteAlertRule: t.field({
      type: 'ID',
      description:
        'Deletes a rule that never raised an alert and returns its id (administrators and operators). A rule with alerts is refused: disable it instead, so their history keeps its rule.',
      args: { id: t.arg.globalID({ required: true }) },
      authScopes: { operator: true },
      ...auditedRefusal,
      resolve: (_root, args, context) =>
        audited(context, async (tx, viewer) => {
          const id = uuidOf(idOf(args.id, 'AlertRule'), 'alert rule');
          await deleteAlertRule(sqlOf(tx), id);
          await recordAudit(tx, viewer, { action: 'deleteAlertRule', outcome: 'ok', targetId: id });
          return encodeGlobalID('AlertRule', id);
        }),
    }),
    acknowledgeAlert: alertAction(
      'acknowledgeAlert',
      'A person takes an OPEN alert in hand (operators and administrators); reminders "until acknowledged" stop.',
      acknowledgeAlert,
    ),
    closeAlert: alertAction(
      'closeAlert',
      'Closes an alert in any other state (operators and administrators). If its condition still holds, a fresh alert opens after the pending period.',
      closeAlert,
    ),
    createWebhook: t.prismaField({
      type: 'Webhook',
      description: 'Adds a webhook for alert events (administrators).',
      args: { input: t.arg({ type: CreateWebhookInput, required: true }) },
      authScopes: { admin: true },
      ...auditedRefusal,
      resolve: async (query, _root, { input }, context) => {
        const changed = await audited(context, async (tx, viewer) => {
          const id = await createWebhook(sqlOf(tx), {
            ...given({ levels: input.levels, dailySummary: input.dailySummary, enabled: input.enabled }),
            name: input.name,
            url: input.url,
            secret: input.secret,
          });
          // The secret stays out of the audit trail like everywhere else.
          await recordAudit(tx, viewer, {
            action: 'createWebhook',
            outcome: 'ok',
            targetId: id,
            detail: { name: input.name, url: input.url },
          });
          return id;
        });
        return context.prisma.webhook.findUniqueOrThrow({ ...query, where: { id: changed } });
      },
    }),
    deleteWebhook: t.field({
      type: 'ID',
      description:
        'Removes a webhook and its deliveries, and returns its id (administrators). The alert history stays.',
      args: { id: t.arg.globalID({ required: true }) },
      authScopes: { admin: true },
      ...auditedRefusal,
      resolve: (_root, args, context) =>
        audited(context, async (tx, viewer) => {
          const id = uuidOf(idOf(args.id, 'Webhook'), 'webhook');
          if (!(await deleteWebhook(sqlOf(tx), id))) {
            throw new AlertActionError(`webhook ${id} does not exist; check the id`);
          }
          await recordAudit(tx, viewer, { action: 'deleteWebhook', outcome: 'ok', targetId: id });
          return encodeGlobalID('Webhook', id);
        }),
    }),
  };
});

// ---------------------------------------------------------------------------------------------
// Subscription

builder.subscriptionField('alertChanged', (t) =>
  t.prismaField({
    type: 'Alert',
    description:
      'The alerts open now (OPEN or ACKNOWLEDGED) first, then an alert each time one of its transitions commits. Optionally only one programme, and only some levels: open alerts at those levels, then changes that enter or leave one of them.',
    args: {
      programmeId: t.arg.globalID({ required: false }),
      levels: t.arg.stringList({ required: false }),
    },
    subscribe: (_root, args, context) => alertEvents(context, args),
    resolve: (query, alert: { id: string }, _args, context) =>
      context.prisma.alert.findUniqueOrThrow({ ...query, where: { id: alert.id } }),
  }),
);

/** What alertChanged (and liveEvents' alerts) may be asked for. */
export interface AlertsWanted {
  programmeId?: DecodedId | null;
  levels?: readonly string[] | null;
}

/**
 * The stream of alertChanged: the open alerts now, then each alert whose transition commits.
 * With `afterCurrent` (liveEvents), one more value between the two: every open alert was sent.
 */
export function alertEvents<Marker = never>(
  context: GatewayContext,
  args: AlertsWanted,
  afterCurrent?: (count: number) => Marker,
): AsyncIterable<{ id: string } | Marker> {
  const programme = alertsWhere({ programmeId: args.programmeId ?? null });
  const levels = args.levels && args.levels.length > 0 ? [...args.levels] : undefined;
  return currentThenChanges(
    context.pubsub.subscribe('alertChanged'),
    async () =>
      context.prisma.alert.findMany({
        where: { ...programme, state: { in: OPEN_STATES }, ...(levels ? { level: { in: levels } } : {}) },
        orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
        select: { id: true },
      }),
    // A change counts when it enters or leaves one of the levels, as for webhooks: an alert
    // that falls from AWAS to SIAGA is sent to an AWAS-only screen, so it stops showing AWAS.
    async (notice) => {
      const changed = levels
        ? {
            events: {
              some: {
                id: BigInt(notice.eventId),
                OR: [{ toLevel: { in: levels } }, { fromLevel: { in: levels } }],
              },
            },
          }
        : {};
      const count = await context.prisma.alert.count({
        where: { ...programme, id: notice.alertId, ...changed },
      });
      return count > 0 ? [{ id: notice.alertId }] : [];
    },
    afterCurrent,
  );
}
