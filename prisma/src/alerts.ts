/**
 * SQL of alerting: rules, evaluator state and progress, alerts with their append-only history,
 * and the webhook outbox. Here in the shared database package because two services write the
 * same rows: the ingest worker's evaluator and webhook sender, and the gateway's rule, acknowledge
 * and close mutations. Each function takes the transaction it runs in, so a transition, its
 * history row and its outgoing notifications (and the gateway's audit row) commit together.
 */
import { z } from 'zod';
import type { DailySummaryPayload } from './alert-summary.ts';
import { ALERT_EVENTS_CHANNEL } from './notifications.ts';
import type { SqlClient, SqlQueryable } from './sql-client.ts';

export type AlertRuleKind = 'THRESHOLD' | 'RATE_OF_RISE' | 'NO_DATA';
export type AlertState = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED' | 'CLOSED';
export type AlertEventType =
  | 'opened'
  | 'escalated'
  | 'deescalated'
  | 'resolved'
  | 'acknowledged'
  | 'closed'
  | 'reminder';

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * Which way a rule's measure is bad. RISING (the default): a level is entered when the measure
 * reaches `raise` and left when it falls below `clear` (clear <= raise). FALLING, for values that
 * alarm when low (a reservoir, water pressure, soil moisture, a battery): a level is entered when
 * the measure drops to `raise` or below and left when it is back at `clear` or above (clear > raise).
 */
export type AlertDirection = 'RISING' | 'FALLING';

/** One named level; when it is entered and left depends on the rule's direction. */
export interface LevelSpec {
  level: string;
  raise: number;
  clear: number;
}

const levelShape = z.object({
  level: z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'must be 1-32 upper-case letters, digits or _'),
  raise: z.number().finite(),
  clear: z.number().finite(),
});

/**
 * The levels of a rule of `direction`, mildest first. Hysteresis lies on the safe side of `raise`:
 * below it for a rising rule, above it for a falling one, so a value hovering at `raise` does not
 * raise and clear an alert every minute.
 */
export function levelsSchemaFor(direction: AlertDirection) {
  const rising = direction === 'RISING';
  return z
    .array(levelShape)
    .min(1, 'needs at least one level')
    .superRefine((levels, ctx) => {
      for (const l of levels) {
        if (rising ? l.clear > l.raise : l.clear <= l.raise) {
          ctx.addIssue({
            code: 'custom',
            message: rising
              ? `${l.level}: clear must not be above raise (it is the hysteresis below it)`
              : `${l.level}: on a FALLING rule clear must be above raise (the value has to climb back to clear to leave the level)`,
          });
        }
      }
    })
    .refine(
      (levels) =>
        levels.every((l, i) => {
          const previous = levels[i - 1];
          return previous === undefined || (rising ? l.raise > previous.raise : l.raise < previous.raise);
        }),
      rising
        ? 'levels must be listed lowest first, each raise above the previous one'
        : 'on a FALLING rule levels must be listed mildest first, each raise below the previous one',
    )
    .refine(
      (levels) => new Set(levels.map((l) => l.level)).size === levels.length,
      'level names must differ',
    );
}

/** Adds the issues of `levels` checked for `direction` to a rule's validation. */
function checkLevels(
  levels: readonly LevelSpec[] | undefined,
  direction: AlertDirection,
  ctx: z.RefinementCtx,
): void {
  if (levels === undefined) return;
  const result = levelsSchemaFor(direction).safeParse(levels);
  // Named by the field, not the index: each message names its level.
  for (const issue of result.error?.issues ?? []) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: ['levels'] });
  }
}

/** A new rule as an admin or the sample seed writes it; parsed before it touches the database. */
export const alertRuleInputSchema = z
  .object({
    name: z.string().trim().min(1, 'a rule needs a name').max(200),
    kind: z.enum(['THRESHOLD', 'RATE_OF_RISE', 'NO_DATA']),
    direction: z.enum(['RISING', 'FALLING']).default('RISING'),
    target: z
      .object({
        datastreamId: z.number().int().positive().optional(),
        programmeId: z.string().min(1).optional(),
        observedPropertyId: z.string().min(1).optional(),
        thingId: z.string().min(1).optional(),
        locationId: z.string().min(1).optional(),
      })
      .refine(
        (t) => Object.values(t).some((v) => v !== undefined),
        'a rule needs a target: a datastream, an observed property within a programme, a thing or a location',
      ),
    levels: z.array(levelShape),
    windowSeconds: z.number().int().positive().optional(),
    pendingSeconds: z.number().int().min(0).default(0),
    enabled: z.boolean().default(true),
    isSample: z.boolean().default(false),
  })
  .refine((r) => (r.kind === 'RATE_OF_RISE') === (r.windowSeconds !== undefined), {
    message: 'windowSeconds is required for RATE_OF_RISE rules and only for them',
    path: ['windowSeconds'],
  })
  .refine((r) => r.kind !== 'NO_DATA' || r.direction === 'RISING', {
    message: 'NO_DATA rules are RISING: the silence only grows',
    path: ['direction'],
  })
  .superRefine((r, ctx) => checkLevels(r.levels, r.direction, ctx));

export type AlertRuleInput = z.input<typeof alertRuleInputSchema>;

/** Validates and stores a rule; returns its id. Throws a ZodError naming every bad field. */
export async function createAlertRule(db: SqlQueryable, input: AlertRuleInput): Promise<string> {
  const r = alertRuleInputSchema.parse(input);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO alert_rule (name, kind, direction, datastream_id, programme_id, observed_property_id, thing_id,
                             location_id, levels, window_seconds, pending_seconds, enabled, is_sample)
     VALUES ($1, $2::alert_rule_kind, $3::alert_direction, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13)
     RETURNING id`,
    [
      r.name,
      r.kind,
      r.direction,
      r.target.datastreamId ?? null,
      r.target.programmeId ?? null,
      r.target.observedPropertyId ?? null,
      r.target.thingId ?? null,
      r.target.locationId ?? null,
      JSON.stringify(r.levels),
      r.windowSeconds ?? null,
      r.pendingSeconds,
      r.enabled,
      r.isSample,
    ],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('alert rule insert returned no id');
  return id;
}

/**
 * What may change on a rule: its kind and target stay (alerts and state already describe them;
 * a different condition is a new rule). Unset fields keep their value.
 */
export const alertRuleChangeSchema = z.object({
  name: z.string().trim().min(1, 'a rule needs a name').max(200).optional(),
  direction: z.enum(['RISING', 'FALLING']).optional(),
  levels: z.array(levelShape).optional(),
  windowSeconds: z.number().int().positive().optional(),
  pendingSeconds: z.number().int().min(0).optional(),
  enabled: z.boolean().optional(),
});

export type AlertRuleChange = z.input<typeof alertRuleChangeSchema>;

/**
 * Changes a rule, locked for the caller's transaction. Refused (AlertActionError) when the rule
 * does not exist, when windowSeconds is set on a rule that is not RATE_OF_RISE, when a NO_DATA
 * rule is to fall, and when the levels or the direction change while one of its alerts is open:
 * the stored level of that alert and of the evaluator's state would then name a level the rule
 * no longer has. The levels that result (new or kept) must suit the direction that results (a
 * ZodError names what is wrong), so turning a rule around needs levels turned around too.
 */
export async function updateAlertRule(tx: SqlQueryable, id: string, input: AlertRuleChange): Promise<void> {
  const c = alertRuleChangeSchema.parse(input);
  const { rows } = await tx.query<{ kind: AlertRuleKind; direction: AlertDirection; levels: LevelSpec[] }>(
    'SELECT kind, direction, levels FROM alert_rule WHERE id = $1 FOR UPDATE',
    [id],
  );
  const rule = rows[0];
  if (!rule) throw new AlertActionError(`alert rule ${id} does not exist; check the id`);
  if (c.windowSeconds !== undefined && rule.kind !== 'RATE_OF_RISE') {
    throw new AlertActionError(`windowSeconds applies only to RATE_OF_RISE rules; this one is ${rule.kind}`);
  }
  if (c.direction === 'FALLING' && rule.kind === 'NO_DATA') {
    throw new AlertActionError('NO_DATA rules are RISING: the silence only grows');
  }
  const turned = c.direction !== undefined && c.direction !== rule.direction;
  if (c.levels !== undefined || turned) {
    const direction = c.direction ?? rule.direction;
    const result = levelsSchemaFor(direction).safeParse(c.levels ?? rule.levels);
    if (result.error) {
      throw new z.ZodError(
        result.error.issues.map((issue) => ({ ...issue, path: ['levels'] as PropertyKey[] })),
      );
    }
    if ((await countAlertsOfRule(tx, id, ['OPEN', 'ACKNOWLEDGED'])) > 0) {
      throw new AlertActionError(
        `alert rule ${id} has an open alert: close it before changing the levels or the direction, or disable the rule and create a new one`,
      );
    }
  }
  await tx.query(
    `UPDATE alert_rule SET name = coalesce($2, name), levels = coalesce($3::jsonb, levels),
       window_seconds = coalesce($4, window_seconds), pending_seconds = coalesce($5, pending_seconds),
       enabled = coalesce($6, enabled), direction = coalesce($7::alert_direction, direction)
     WHERE id = $1`,
    [
      id,
      c.name ?? null,
      c.levels === undefined ? null : JSON.stringify(c.levels),
      c.windowSeconds ?? null,
      c.pendingSeconds ?? null,
      c.enabled ?? null,
      c.direction ?? null,
    ],
  );
}

/**
 * Deletes a rule that never raised an alert (a mistake caught early); its evaluator state cascades.
 * A rule with alerts is refused: their history needs it; disable it instead (updateAlertRule).
 */
export async function deleteAlertRule(tx: SqlQueryable, id: string): Promise<void> {
  if ((await countAlertsOfRule(tx, id)) > 0) {
    throw new AlertActionError(
      `alert rule ${id} has alerts whose history refers to it; disable it instead (enabled: false)`,
    );
  }
  const { rows } = await tx.query<{ id: string }>('DELETE FROM alert_rule WHERE id = $1 RETURNING id', [id]);
  if (rows.length === 0) throw new AlertActionError(`alert rule ${id} does not exist; check the id`);
}

async function countAlertsOfRule(
  tx: SqlQueryable,
  ruleId: string,
  states?: readonly AlertState[],
): Promise<number> {
  const { rows } = await tx.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM alert
     WHERE rule_id = $1 AND ($2::alert_state[] IS NULL OR state = ANY($2::alert_state[]))`,
    [ruleId, states ?? null],
  );
  return rows[0]?.count ?? 0;
}

/** One rule applied to one datastream, as the evaluator needs it. `levels` is parsed by the caller. */
export interface RuleTarget {
  ruleId: string;
  ruleName: string;
  kind: AlertRuleKind;
  direction: AlertDirection;
  levels: unknown;
  windowSeconds: number | null;
  pendingSeconds: number;
  datastreamId: number;
  expectedIntervalSeconds: number;
}

// Constant SQL fragments shared by the two target queries (no input is spliced in).
const RULE_TARGET_COLUMNS = `r.id AS "ruleId", r.name AS "ruleName", r.kind, r.direction, r.levels, r.window_seconds AS "windowSeconds",
         r.pending_seconds AS "pendingSeconds", d.id AS "datastreamId",
         d.expected_interval_seconds AS "expectedIntervalSeconds"`;
const RULE_TARGET_FROM = `
  FROM alert_rule r
  JOIN datastream d ON (r.datastream_id IS NULL OR r.datastream_id = d.id)
   AND (r.observed_property_id IS NULL OR r.observed_property_id = d.observed_property_id)
   AND (r.thing_id IS NULL OR r.thing_id = d.thing_id)
  JOIN thing t ON t.id = d.thing_id
   AND (r.programme_id IS NULL OR r.programme_id = t.programme_id)
   AND (r.location_id IS NULL OR r.location_id = t.location_id)`;

/** Enabled reading-driven rules (threshold, rate of rise) that apply to any of `datastreamIds`. */
export async function findReadingRuleTargets(
  db: SqlQueryable,
  datastreamIds: readonly number[],
): Promise<RuleTarget[]> {
  const { rows } = await db.query<RuleTarget>(
    `SELECT ${RULE_TARGET_COLUMNS} ${RULE_TARGET_FROM}
     WHERE r.enabled AND r.kind IN ('THRESHOLD', 'RATE_OF_RISE') AND d.id = ANY($1::int[])
     ORDER BY r.created_at, r.id, d.id`,
    [datastreamIds],
  );
  return rows;
}

/** Enabled no-data rules with the time of each target datastream's newest reading (none: never seen). */
export async function findNoDataTargets(
  db: SqlQueryable,
): Promise<(RuleTarget & { lastReadingAt: Date | null })[]> {
  const { rows } = await db.query<RuleTarget & { lastReadingAt: Date | null }>(
    `SELECT ${RULE_TARGET_COLUMNS}, l.time AS "lastReadingAt" ${RULE_TARGET_FROM}
     LEFT JOIN latest_reading l ON l.datastream_id = d.id
     WHERE r.enabled AND r.kind = 'NO_DATA'
     ORDER BY r.created_at, r.id, d.id`,
  );
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Evaluator progress and state

/** A point in the committed readings: ordered by storing transaction, then datastream and time. */
export interface ReadingCursor {
  /** bigint as a decimal string (transaction ids exceed 2^53 only after ages of uptime; kept exact). */
  xid: string;
  datastreamId: number;
  time: Date;
}

export interface CommittedReadingRow extends ReadingCursor {
  value: number;
}

/** The evaluator's row in alert_evaluator_progress. */
export const EVALUATOR_PROGRESS_ID = 'readings';

/**
 * Locks the evaluator's progress row for the caller's transaction, creating it at the start when
 * missing: a second evaluator (another ingest process) waits here instead of evaluating the same
 * readings. Returns the cursor, or undefined before the first reading was evaluated.
 */
export async function lockProgress(tx: SqlQueryable, id: string): Promise<ReadingCursor | undefined> {
  await tx.query(
    `INSERT INTO alert_evaluator_progress (id, xid, datastream_id, time, updated_at)
     VALUES ($1, 0, 0, '-infinity', now()) ON CONFLICT (id) DO NOTHING`,
    [id],
  );
  const { rows } = await tx.query<{ xid: string; datastreamId: number; time: Date }>(
    `SELECT xid::text AS xid, datastream_id AS "datastreamId", time FROM alert_evaluator_progress
     WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const row = rows[0];
  return row && row.xid !== '0' ? row : undefined;
}

export async function saveProgress(
  tx: SqlQueryable,
  id: string,
  cursor: ReadingCursor,
  now: Date,
): Promise<void> {
  await tx.query(
    `UPDATE alert_evaluator_progress SET xid = $2::bigint, datastream_id = $3, time = $4, updated_at = $5
     WHERE id = $1`,
    [id, cursor.xid, cursor.datastreamId, cursor.time, now],
  );
}

/**
 * The evaluation horizon: no transaction of this database that is still running has an id below
 * it, so every reading with a smaller id is committed (or rolled back) for good, and a reading
 * that commits late can never land behind the evaluator's progress point. It is the oldest
 * running transaction of this database (from pg_stat_activity, so long transactions in other
 * databases of the server do not hold alerting back), or the next transaction id when none runs.
 * Taken in its own statement before the readings are read: a transaction that ends in between
 * is then visible to that later statement. (PostgreSQL 15 shows backend_xid of every role's
 * sessions, checked with two unprivileged roles.)
 */
export async function readingHorizon(tx: SqlQueryable): Promise<string> {
  const { rows } = await tx.query<{ horizon: string }>(
    `SELECT least(
       (pg_snapshot_xmax(pg_current_snapshot())::text)::bigint,
       (SELECT min((x::text)::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
        WHERE ((((x::text)::bigint) % 4294967296)::text)::xid IN (
          SELECT backend_xid FROM pg_stat_activity
          WHERE datname = current_database() AND backend_xid IS NOT NULL))
     )::text AS horizon`,
  );
  const horizon = rows[0]?.horizon;
  if (horizon === undefined) throw new Error('could not read the transaction horizon');
  return horizon;
}

/**
 * The next committed readings after `after` and below `horizon` (readingHorizon), in commit
 * order. Readings stored before alerting existed (null id) are not returned.
 */
export async function fetchCommittedReadings(
  tx: SqlQueryable,
  after: ReadingCursor | undefined,
  horizon: string,
  limit: number,
): Promise<CommittedReadingRow[]> {
  const { rows } = await tx.query<CommittedReadingRow>(
    `SELECT ingest_xid::text AS xid, datastream_id AS "datastreamId", time, value FROM reading
     WHERE ingest_xid IS NOT NULL AND ingest_xid < $4::bigint
       AND (ingest_xid, datastream_id, time) > ($1::bigint, $2::int, $3::timestamptz)
     ORDER BY ingest_xid, datastream_id, time
     LIMIT $5`,
    [after?.xid ?? '0', after?.datastreamId ?? 0, after?.time ?? new Date(0), horizon, limit],
  );
  return rows;
}

/** Readings of one datastream between two times (inclusive), for rate-of-rise windows. */
export async function readingsBetween(
  tx: SqlQueryable,
  datastreamId: number,
  from: Date,
  to: Date,
): Promise<{ time: Date; value: number }[]> {
  const { rows } = await tx.query<{ time: Date; value: number }>(
    `SELECT time, value FROM reading WHERE datastream_id = $1 AND time >= $2 AND time <= $3 ORDER BY time`,
    [datastreamId, from, to],
  );
  return rows;
}

export interface StoredRuleState {
  activeLevel: number;
  candidateLevel: number | null;
  candidateSince: Date | null;
  lastTime: Date | null;
}

export async function loadRuleState(
  tx: SqlQueryable,
  ruleId: string,
  datastreamId: number,
): Promise<StoredRuleState | undefined> {
  const { rows } = await tx.query<StoredRuleState>(
    `SELECT active_level AS "activeLevel", candidate_level AS "candidateLevel",
            candidate_since AS "candidateSince", last_time AS "lastTime"
     FROM alert_rule_state WHERE rule_id = $1 AND datastream_id = $2`,
    [ruleId, datastreamId],
  );
  return rows[0];
}

export async function saveRuleState(
  tx: SqlQueryable,
  ruleId: string,
  datastreamId: number,
  state: StoredRuleState,
  alertId: string | null,
): Promise<void> {
  await tx.query(
    `INSERT INTO alert_rule_state (rule_id, datastream_id, active_level, candidate_level, candidate_since, last_time, alert_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (rule_id, datastream_id) DO UPDATE SET active_level = $3, candidate_level = $4,
       candidate_since = $5, last_time = $6, alert_id = $7`,
    [
      ruleId,
      datastreamId,
      state.activeLevel,
      state.candidateLevel,
      state.candidateSince,
      state.lastTime,
      alertId,
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Alerts and their history

export interface AlertRow {
  id: string;
  ruleId: string;
  datastreamId: number;
  level: string;
  peakLevel: string;
  state: AlertState;
  value: number;
  openedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  ackNote: string | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
}

const ALERT_COLUMNS = `id, rule_id AS "ruleId", datastream_id AS "datastreamId", level, peak_level AS "peakLevel",
  state, value, opened_at AS "openedAt", acknowledged_at AS "acknowledgedAt", acknowledged_by AS "acknowledgedBy",
  ack_note AS "ackNote", resolved_at AS "resolvedAt", closed_at AS "closedAt", closed_by AS "closedBy"`;

/** The open or acknowledged alert of a rule on a datastream, locked for the caller's transaction. */
export async function findActiveAlert(
  tx: SqlQueryable,
  ruleId: string,
  datastreamId: number,
): Promise<AlertRow | undefined> {
  const { rows } = await tx.query<AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM alert
     WHERE rule_id = $1 AND datastream_id = $2 AND state IN ('OPEN', 'ACKNOWLEDGED') FOR UPDATE`,
    [ruleId, datastreamId],
  );
  return rows[0];
}

/**
 * Opens an alert unless one is already open for the rule and datastream (the partial unique
 * index decides, atomically); returns the new alert's id, or undefined when one was open.
 */
export async function insertAlert(
  tx: SqlQueryable,
  a: { ruleId: string; datastreamId: number; level: string; value: number; openedAt: Date; now: Date },
): Promise<string | undefined> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO alert (rule_id, datastream_id, level, peak_level, state, value, opened_at, last_notified_at)
     VALUES ($1, $2, $3, $3, 'OPEN', $4, $5, $6)
     ON CONFLICT (rule_id, datastream_id) WHERE state IN ('OPEN', 'ACKNOWLEDGED') DO NOTHING
     RETURNING id`,
    [a.ruleId, a.datastreamId, a.level, a.value, a.openedAt, a.now],
  );
  return rows[0]?.id;
}

/**
 * Moves an open alert to another level: a rise returns it to OPEN (the new level needs its own
 * acknowledgement), a fall keeps its state. `peakLevelIndex` tells whether the peak rises too.
 */
export async function changeAlertLevel(
  tx: SqlQueryable,
  alertId: string,
  c: { level: string; value: number; rising: boolean; newPeak: boolean; now: Date },
): Promise<void> {
  await tx.query(
    `UPDATE alert SET level = $2, value = $3, last_notified_at = $5,
       peak_level = CASE WHEN $6 THEN $2 ELSE peak_level END,
       state = CASE WHEN $4 THEN 'OPEN'::alert_state ELSE state END
     WHERE id = $1`,
    [alertId, c.level, c.value, c.rising, c.now, c.newPeak],
  );
}

export async function resolveAlert(
  tx: SqlQueryable,
  alertId: string,
  r: { value: number; resolvedAt: Date; now: Date },
): Promise<void> {
  await tx.query(
    `UPDATE alert SET state = 'RESOLVED', value = $2, resolved_at = $3, last_notified_at = $4 WHERE id = $1`,
    [alertId, r.value, r.resolvedAt, r.now],
  );
}

export interface AlertEventInput {
  alertId: string;
  at: Date;
  type: AlertEventType;
  fromState: AlertState | null;
  toState: AlertState;
  fromLevel: string | null;
  toLevel: string;
  value: number | null;
  readingTime: Date | null;
  actor: string | null;
  note: string | null;
}

/**
 * Appends one history row and queues one outbox row per enabled webhook that takes the level
 * (the level entered, or the one left), all in the caller's transaction; the pg_notify wakes the
 * webhook sender once it commits. Returns the event id.
 */
export async function recordAlertEvent(tx: SqlQueryable, e: AlertEventInput): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO alert_event (alert_id, at, type, from_state, to_state, from_level, to_level, value, reading_time,
                              actor, note)
     VALUES ($1, $2, $3, $4::alert_state, $5::alert_state, $6, $7, $8, $9, $10, $11) RETURNING id::text AS id`,
    [
      e.alertId,
      e.at,
      e.type,
      e.fromState,
      e.toState,
      e.fromLevel,
      e.toLevel,
      e.value,
      e.readingTime,
      e.actor,
      e.note,
    ],
  );
  const eventId = rows[0]?.id;
  if (eventId === undefined) throw new Error('alert event insert returned no id');
  const payload = await buildPayload(tx, eventId);
  await tx.query(
    `INSERT INTO alert_notification (event_id, webhook_id, payload, next_attempt_at, created_at)
     SELECT $1::bigint, w.id, $2::jsonb, $3, $3 FROM webhook w
     WHERE w.enabled AND (cardinality(w.levels) = 0 OR $4 = ANY(w.levels) OR $5 = ANY(w.levels))`,
    [eventId, JSON.stringify(payload), e.at, e.toLevel, e.fromLevel],
  );
  // Selected as a constant: the gateway runs this through Prisma, which cannot read a void column.
  await tx.query('SELECT 1 AS notified FROM pg_notify($1, $2)', [
    ALERT_EVENTS_CHANNEL,
    JSON.stringify({ alertId: e.alertId, eventId, type: e.type }),
  ]);
  return eventId;
}

/** The webhook body (version 1), documented in docs/alerts.md. */
export interface AlertWebhookPayload {
  version: 1;
  eventId: string;
  type: AlertEventType;
  at: string;
  alert: {
    id: string;
    state: AlertState;
    level: string;
    previousLevel: string | null;
    peakLevel: string;
    value: number | null;
    readingTime: string | null;
    openedAt: string;
    acknowledgedBy: string | null;
    note: string | null;
  };
  rule: { id: string; name: string; kind: AlertRuleKind; direction: AlertDirection };
  datastream: { id: number; key: string; unit: string; observedProperty: string };
  thing: { id: string; name: string; isSample: boolean };
  location: { id: string; name: string; latitude: number; longitude: number };
  /** Ready-made message lines for a WhatsApp or SMS gateway, Indonesian and English. */
  text: { id: string; en: string };
}

async function buildPayload(tx: SqlQueryable, eventId: string): Promise<AlertWebhookPayload> {
  const { rows } = await tx.query<{
    type: AlertEventType;
    at: Date;
    fromLevel: string | null;
    toLevel: string;
    value: number | null;
    readingTime: Date | null;
    actor: string | null;
    note: string | null;
    alertId: string;
    state: AlertState;
    peakLevel: string;
    openedAt: Date;
    ruleId: string;
    ruleName: string;
    kind: AlertRuleKind;
    direction: AlertDirection;
    datastreamId: number;
    key: string;
    unit: string;
    observedProperty: string;
    thingId: string;
    thingName: string;
    isSample: boolean;
    locationId: string;
    locationName: string;
    latitude: number;
    longitude: number;
  }>(
    `SELECT e.type, e.at, e.from_level AS "fromLevel", e.to_level AS "toLevel", e.value, e.reading_time AS "readingTime",
            e.actor, e.note, a.id AS "alertId", a.state, a.peak_level AS "peakLevel", a.opened_at AS "openedAt",
            r.id AS "ruleId", r.name AS "ruleName", r.kind, r.direction, d.id AS "datastreamId", d.key, d.unit,
            p.name_en AS "observedProperty", t.id AS "thingId", t.name AS "thingName", t.is_sample AS "isSample",
            l.id AS "locationId", l.name AS "locationName", l.latitude, l.longitude
     FROM alert_event e JOIN alert a ON a.id = e.alert_id JOIN alert_rule r ON r.id = a.rule_id
     JOIN datastream d ON d.id = a.datastream_id JOIN observed_property p ON p.id = d.observed_property_id
     JOIN thing t ON t.id = d.thing_id JOIN location l ON l.id = t.location_id
     WHERE e.id = $1::bigint`,
    [eventId],
  );
  const row = rows[0];
  if (!row) throw new Error(`alert event ${eventId} not found while building its notification`);
  const shown = row.value === null ? '' : ` (${formatMeasure(row.kind, row.value, row.unit)})`;
  const sample = row.isSample ? ' [SAMPLE DATA]' : '';
  const words = EVENT_WORDS[row.type];
  return {
    version: 1,
    eventId,
    type: row.type,
    at: row.at.toISOString(),
    alert: {
      id: row.alertId,
      state: row.state,
      level: row.toLevel,
      previousLevel: row.fromLevel,
      peakLevel: row.peakLevel,
      value: row.value,
      readingTime: row.readingTime?.toISOString() ?? null,
      openedAt: row.openedAt.toISOString(),
      acknowledgedBy: row.type === 'acknowledged' ? row.actor : null,
      note: row.note,
    },
    rule: { id: row.ruleId, name: row.ruleName, kind: row.kind, direction: row.direction },
    datastream: {
      id: row.datastreamId,
      key: row.key,
      unit: row.unit,
      observedProperty: row.observedProperty,
    },
    thing: { id: row.thingId, name: row.thingName, isSample: row.isSample },
    location: {
      id: row.locationId,
      name: row.locationName,
      latitude: row.latitude,
      longitude: row.longitude,
    },
    text: {
      id: `${row.toLevel}: ${row.ruleName} di ${row.thingName} ${words.id}${shown}.${sample}`,
      en: `${row.toLevel}: ${row.ruleName} at ${row.thingName} ${words.en}${shown}.${sample}`,
    },
  };
}

const EVENT_WORDS: Record<AlertEventType, { id: string; en: string }> = {
  opened: { id: 'dimulai', en: 'raised' },
  escalated: { id: 'naik level', en: 'escalated' },
  deescalated: { id: 'turun level', en: 'de-escalated' },
  resolved: { id: 'kembali normal', en: 'back to normal' },
  acknowledged: { id: 'diterima petugas', en: 'acknowledged' },
  closed: { id: 'ditutup', en: 'closed' },
  reminder: { id: 'masih berlangsung', en: 'still ongoing' },
};

function formatMeasure(kind: AlertRuleKind, value: number, unit: string): string {
  if (kind === 'NO_DATA') return `${value.toFixed(1)}× expected interval without data`;
  const rounded = Math.round(value * 1000) / 1000;
  // A rate rule's measure is a change: a rise shows its plus sign, a fall its minus sign.
  return kind === 'RATE_OF_RISE' && rounded >= 0 ? `+${rounded} ${unit}` : `${rounded} ${unit}`;
}

/** Why an acknowledge or close was refused, for the caller to show (GraphQL: extensions.code). */
export class AlertActionError extends Error {
  override name = 'AlertActionError';
}

/**
 * A person acknowledges an open alert (who, and an optional note); the cadence's "until
 * acknowledged" ends. Run it in a transaction (`tx`), so the change, its history row, its
 * notifications and whatever the caller adds (the gateway's audit row) commit together.
 */
export async function acknowledgeAlert(
  tx: SqlQueryable,
  a: { alertId: string; by: string; note?: string; now: Date },
): Promise<AlertRow> {
  const { rows } = await tx.query<AlertRow>(
    `UPDATE alert SET state = 'ACKNOWLEDGED', acknowledged_at = $3, acknowledged_by = $2, ack_note = $4
     WHERE id = $1 AND state = 'OPEN' RETURNING ${ALERT_COLUMNS}`,
    [a.alertId, a.by, a.now, a.note ?? null],
  );
  const alert = rows[0];
  if (!alert) throw await refusal(tx, a.alertId, 'acknowledged', 'only an OPEN alert can be acknowledged');
  await recordAlertEvent(tx, {
    alertId: alert.id,
    at: a.now,
    type: 'acknowledged',
    fromState: 'OPEN',
    toState: 'ACKNOWLEDGED',
    fromLevel: alert.level,
    toLevel: alert.level,
    value: null,
    readingTime: null,
    actor: a.by,
    note: a.note ?? null,
  });
  return alert;
}

/**
 * A person closes an alert. Closing one whose condition still holds also resets the rule's state
 * on that datastream, so the evaluator opens a fresh alert (after the pending period) if it
 * persists, instead of staying silent. Run it in a transaction, as acknowledgeAlert.
 */
export async function closeAlert(
  tx: SqlQueryable,
  c: { alertId: string; by: string; note?: string; now: Date },
): Promise<AlertRow> {
  // The evaluator holds this row while it evaluates: taking it first keeps a batch in flight
  // from writing back the rule state this close resets.
  await lockProgress(tx, EVALUATOR_PROGRESS_ID);
  const { rows: before } = await tx.query<{ state: AlertState }>(
    'SELECT state FROM alert WHERE id = $1 FOR UPDATE',
    [c.alertId],
  );
  const { rows } = await tx.query<AlertRow>(
    `UPDATE alert SET state = 'CLOSED', closed_at = $3, closed_by = $2 WHERE id = $1 AND state <> 'CLOSED'
     RETURNING ${ALERT_COLUMNS}`,
    [c.alertId, c.by, c.now],
  );
  const alert = rows[0];
  const fromState = before[0]?.state;
  if (!alert || !fromState) throw await refusal(tx, c.alertId, 'closed', 'it is already CLOSED');
  await tx.query(
    `UPDATE alert_rule_state SET active_level = 0, candidate_level = NULL, candidate_since = NULL, alert_id = NULL
     WHERE alert_id = $1`,
    [alert.id],
  );
  await recordAlertEvent(tx, {
    alertId: alert.id,
    at: c.now,
    type: 'closed',
    fromState,
    toState: 'CLOSED',
    fromLevel: alert.level,
    toLevel: alert.level,
    value: null,
    readingTime: null,
    actor: c.by,
    note: c.note ?? null,
  });
  return alert;
}

async function refusal(
  tx: SqlQueryable,
  alertId: string,
  verb: string,
  rule: string,
): Promise<AlertActionError> {
  const { rows } = await tx.query<{ state: AlertState }>('SELECT state FROM alert WHERE id = $1', [alertId]);
  const state = rows[0]?.state;
  return new AlertActionError(
    state === undefined
      ? `alert ${alertId} does not exist; check the id`
      : `alert ${alertId} cannot be ${verb}: it is ${state}, and ${rule}`,
  );
}

/** Alerts, newest first, optionally only in some states or of one datastream. */
export async function listAlerts(
  db: SqlQueryable,
  filter: { states?: readonly AlertState[]; datastreamId?: number; limit?: number } = {},
): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM alert
     WHERE ($1::alert_state[] IS NULL OR state = ANY($1::alert_state[])) AND ($2::int IS NULL OR datastream_id = $2)
     ORDER BY opened_at DESC, id LIMIT $3`,
    [filter.states ?? null, filter.datastreamId ?? null, filter.limit ?? 100],
  );
  return rows;
}

/** A history row as stored: what was recorded, with its id. */
export interface AlertEventRow extends AlertEventInput {
  id: string;
}

/** The history of alerts in the order it was written; all of it, or of one alert. */
export async function listAlertEvents(db: SqlQueryable, alertId?: string): Promise<AlertEventRow[]> {
  const { rows } = await db.query<AlertEventRow>(
    `SELECT id::text AS id, alert_id AS "alertId", at, type, from_state AS "fromState", to_state AS "toState",
            from_level AS "fromLevel", to_level AS "toLevel", value, reading_time AS "readingTime", actor, note
     FROM alert_event WHERE ($1::uuid IS NULL OR alert_id = $1) ORDER BY alert_event.id`,
    [alertId ?? null],
  );
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Cadence reminders

/**
 * Open alerts whose level's cadence asks for another message by `now`, locked (skipping any
 * another evaluator holds) for the caller's transaction.
 */
export async function lockDueReminders(tx: SqlQueryable, now: Date): Promise<AlertRow[]> {
  const { rows } = await tx.query<AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM alert WHERE id IN (
       SELECT a.id FROM alert a JOIN alert_cadence c ON c.level = a.level
       WHERE a.state IN ('OPEN', 'ACKNOWLEDGED') AND c.repeat_seconds IS NOT NULL
         AND (a.state = 'OPEN' OR NOT c.repeat_until_acknowledged)
         AND a.last_notified_at + make_interval(secs => c.repeat_seconds) <= $1
       FOR UPDATE OF a SKIP LOCKED)
     ORDER BY opened_at`,
    [now],
  );
  return rows;
}

export async function markReminded(tx: SqlQueryable, alertId: string, now: Date): Promise<void> {
  await tx.query('UPDATE alert SET last_notified_at = $2 WHERE id = $1', [alertId, now]);
}

// ---------------------------------------------------------------------------------------------
// Webhooks and the outbox

export const webhookInputSchema = z
  .object({
    name: z.string().trim().min(1, 'a webhook needs a name').max(200),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    secret: z.string().min(16, 'must be at least 16 characters (it signs every body)'),
    levels: z.array(z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/)).default([]),
    /**
     * Whether it receives the daily summary. Left out: a webhook for every level does, one limited
     * to some levels (an emergency line for SIAGA and AWAS) does not, unless it says so.
     */
    dailySummary: z.boolean().optional(),
    enabled: z.boolean().default(true),
  })
  .transform((w) => ({ ...w, dailySummary: w.dailySummary ?? w.levels.length === 0 }));

export type WebhookInput = z.input<typeof webhookInputSchema>;

export async function createWebhook(db: SqlQueryable, input: WebhookInput): Promise<string> {
  const w = webhookInputSchema.parse(input);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO webhook (name, url, secret, levels, daily_summary, enabled)
     VALUES ($1, $2, $3, $4::text[], $5, $6) RETURNING id`,
    [w.name, w.url, w.secret, w.levels, w.dailySummary, w.enabled],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('webhook insert returned no id');
  return id;
}

/**
 * Creates or updates the webhook called `name` (for one configured from the environment, so a
 * restart with another URL or secret replaces it instead of adding a second). Returns its id.
 */
export async function upsertWebhookByName(sql: SqlClient, input: WebhookInput): Promise<string> {
  const w = webhookInputSchema.parse(input);
  return sql.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `UPDATE webhook SET url = $2, secret = $3, levels = $4::text[], daily_summary = $5, enabled = $6
       WHERE name = $1 RETURNING id`,
      [w.name, w.url, w.secret, w.levels, w.dailySummary, w.enabled],
    );
    return rows[0]?.id ?? (await createWebhook(tx, w));
  });
}

/** Removes a webhook; its queued and past deliveries go with it (the alert history stays). */
export async function deleteWebhook(db: SqlQueryable, id: string): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>('DELETE FROM webhook WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}

export interface ClaimedNotification {
  id: string;
  attempts: number;
  payload: AlertWebhookPayload | DailySummaryPayload;
  url: string;
  secret: string;
}

/**
 * Claims up to `limit` due notifications: their next attempt moves `leaseMs` ahead and the attempt
 * is counted before anything is sent, so a sender that dies mid-delivery retries after the lease
 * (at least once) and two senders never send the same row at the same time.
 */
export async function claimDueNotifications(
  db: SqlQueryable,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<ClaimedNotification[]> {
  const { rows } = await db.query<ClaimedNotification>(
    `UPDATE alert_notification n SET attempts = n.attempts + 1,
       next_attempt_at = $1::timestamptz + make_interval(secs => $2::float8 / 1000)
     FROM webhook w
     WHERE w.id = n.webhook_id AND n.id IN (
       SELECT id FROM alert_notification WHERE status = 'PENDING' AND next_attempt_at <= $1
       ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING n.id::text AS id, n.attempts, n.payload, w.url, w.secret`,
    [now, leaseMs, limit],
  );
  return rows;
}

export async function markNotificationDelivered(db: SqlQueryable, id: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE alert_notification SET status = 'DELIVERED', delivered_at = $2, last_error = NULL WHERE id = $1::bigint`,
    [id, now],
  );
}

/** Records a failed attempt: retried at `retryAt`, or DEAD (kept with the error) when undefined. */
export async function markNotificationFailed(
  db: SqlQueryable,
  id: string,
  error: string,
  retryAt: Date | undefined,
): Promise<void> {
  await db.query(
    `UPDATE alert_notification SET last_error = $2,
       status = CASE WHEN $3::timestamptz IS NULL THEN 'DEAD'::notification_status ELSE status END,
       next_attempt_at = coalesce($3, next_attempt_at)
     WHERE id = $1::bigint`,
    [id, error.slice(0, 1000), retryAt ?? null],
  );
}

export interface NotificationRow {
  id: string;
  /** The alert event it announces, or null for a daily summary. */
  eventId: string | null;
  /** The day of the daily summary it carries (YYYY-MM-DD), or null for an alert event. */
  summaryDay: string | null;
  webhookId: string;
  status: 'PENDING' | 'DELIVERED' | 'DEAD';
  attempts: number;
  lastError: string | null;
}

/** The outbox, oldest first: for operators (dead letters) and tests. */
export async function listNotifications(db: SqlQueryable): Promise<NotificationRow[]> {
  const { rows } = await db.query<NotificationRow>(
    `SELECT id::text AS id, event_id::text AS "eventId", summary_day::text AS "summaryDay",
            webhook_id AS "webhookId", status, attempts, last_error AS "lastError"
     FROM alert_notification ORDER BY alert_notification.id`,
  );
  return rows;
}
