import { queueDailySummary } from '@bisa/db/alert-summary.ts';
import {
  type AlertEventType,
  type CommittedReadingRow,
  changeAlertLevel,
  EVALUATOR_PROGRESS_ID,
  fetchCommittedReadings,
  findActiveAlert,
  findNoDataTargets,
  findReadingRuleTargets,
  insertAlert,
  loadRuleState,
  lockDueReminders,
  lockProgress,
  markReminded,
  type RuleTarget,
  readingHorizon,
  readingsBetween,
  recordAlertEvent,
  resolveAlert,
  type StoredRuleState,
  saveProgress,
  saveRuleState,
} from '@bisa/db/alerts.ts';
import type { Database } from '@bisa/db/database.ts';
import { READINGS_COMMITTED_CHANNEL } from '@bisa/db/notifications.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';
import type { Logger } from 'pino';
import { type DailySummarySchedule, dueSummaryDay } from './daily-summary.ts';
import { rerunOnWake } from './rerun-on-wake.ts';
import {
  changeOverWindow,
  type LevelScale,
  type LevelState,
  levelName,
  parseLevels,
  silenceInIntervals,
  stepLevel,
} from './rule-logic.ts';

/** Milliseconds since the epoch; injected so tests move time without sleeping. */
export type Clock = () => number;

export interface AlertEvaluatorDeps {
  database: Database;
  logger: Logger;
  clock?: Clock;
  /** Most readings evaluated in one transaction (default 500). */
  batchSize?: number;
  /**
   * Safety net behind the committed-readings notification (default 5000 ms): a reading stored
   * while an older transaction was still running becomes eligible only after that one ends.
   */
  pollMs?: number;
  /** How often no-data rules, reminders and the daily summary are checked (default 15000 ms). */
  timerMs?: number;
  /** When the daily summary is queued to the webhooks; none when undefined. */
  dailySummary?: DailySummarySchedule;
}

export interface AlertEvaluator {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Evaluates every committed reading not yet evaluated; resolves with how many there were. */
  evaluateReadings(): Promise<number>;
  /** Checks no-data rules and queues due reminders and the daily summary at the clock's time. */
  evaluateTimers(): Promise<void>;
}

/**
 * The alert evaluator. It evaluates committed readings only, reading them from the database
 * after its stored progress point, so a missed notification or a restart neither misses nor
 * repeats a transition: each batch's state changes, alerts, history, outbox rows and the new
 * progress point commit in one transaction, or not at all. The committed-readings notification
 * only wakes it. Several evaluators (several ingest processes) take turns on the progress row.
 */
export function createAlertEvaluator(deps: AlertEvaluatorDeps): AlertEvaluator {
  const { database } = deps;
  const log = deps.logger.child({ component: 'alerts' });
  const clock = deps.clock ?? Date.now;
  const batchSize = deps.batchSize ?? 500;
  const timers: NodeJS.Timeout[] = [];
  let unlisten: (() => Promise<void>) | undefined;
  const readingRuns = rerunOnWake(evaluateReadings, (error) =>
    log.error({ err: error }, 'alert evaluation failed; retrying on the next wake-up'),
  );
  const wake = () => readingRuns.wake();
  // A rule with invalid levels is reported once, not on every reading.
  const reportedInvalid = new Set<string>();

  function scaleOf(target: RuleTarget): LevelScale | undefined {
    try {
      return parseLevels(target.levels, target.direction);
    } catch (error) {
      if (!reportedInvalid.has(target.ruleId)) {
        reportedInvalid.add(target.ruleId);
        log.error(
          { ruleId: target.ruleId, rule: target.ruleName, err: error },
          'alert rule skipped: fix its levels',
        );
      }
      return undefined;
    }
  }

  async function evaluateBatch(): Promise<number> {
    return database.sql.transaction(async (tx) => {
      const cursor = await lockProgress(tx, EVALUATOR_PROGRESS_ID);
      const horizon = await readingHorizon(tx);
      const readings = await fetchCommittedReadings(tx, cursor, horizon, batchSize);
      const last = readings.at(-1);
      if (!last) return 0;
      const byStream = new Map<number, CommittedReadingRow[]>();
      for (const r of readings) {
        const list = byStream.get(r.datastreamId) ?? [];
        list.push(r);
        byStream.set(r.datastreamId, list);
      }
      const now = new Date(clock());
      for (const target of await findReadingRuleTargets(tx, [...byStream.keys()])) {
        const scale = scaleOf(target);
        if (scale) await evaluateTarget(tx, target, scale, byStream.get(target.datastreamId) ?? [], now);
      }
      await saveProgress(tx, EVALUATOR_PROGRESS_ID, last, now);
      return readings.length;
    });
  }

  async function evaluateTarget(
    tx: SqlQueryable,
    target: RuleTarget,
    scale: LevelScale,
    readings: readonly CommittedReadingRow[],
    now: Date,
  ): Promise<void> {
    const stored = await loadRuleState(tx, target.ruleId, target.datastreamId);
    let state = toLevelState(stored);
    let lastTime = stored?.lastTime?.getTime() ?? -Infinity;
    const windowMs = (target.windowSeconds ?? 0) * 1000;
    const times = readings.map((r) => r.time.getTime());
    const samples =
      target.kind === 'RATE_OF_RISE'
        ? (
            await readingsBetween(
              tx,
              target.datastreamId,
              new Date(Math.min(...times) - windowMs),
              new Date(Math.max(...times)),
            )
          ).map((s) => ({ time: s.time.getTime(), value: s.value }))
        : [];
    let changed = false;
    for (const reading of readings) {
      const time = reading.time.getTime();
      // A reading older than one already evaluated arrived late: it cannot move the state back in time.
      if (time <= lastTime) continue;
      lastTime = time;
      changed = true;
      const measure =
        target.kind === 'RATE_OF_RISE'
          ? changeOverWindow(samples, { time, value: reading.value }, windowMs, target.direction)
          : reading.value;
      const step = stepLevel(scale, target.pendingSeconds * 1000, state, time, measure);
      state = step.state;
      if (step.change) {
        await applyChange(tx, target, scale, step.change, measure, reading.time, now);
      }
    }
    if (changed) await persistState(tx, target, state, new Date(lastTime));
  }

  async function evaluateTimers(): Promise<void> {
    const now = new Date(clock());
    await database.sql.transaction(async (tx) => {
      // Taking the progress row serialises this with the reading batches and other evaluators.
      await lockProgress(tx, EVALUATOR_PROGRESS_ID);
      for (const target of await findNoDataTargets(tx)) {
        // A datastream that never reported is not "stale": there is no device yet to miss.
        if (target.lastReadingAt === null) continue;
        const scale = scaleOf(target);
        if (!scale) continue;
        const stored = await loadRuleState(tx, target.ruleId, target.datastreamId);
        const measure = silenceInIntervals(
          target.lastReadingAt.getTime(),
          now.getTime(),
          target.expectedIntervalSeconds,
        );
        const step = stepLevel(
          scale,
          target.pendingSeconds * 1000,
          toLevelState(stored),
          now.getTime(),
          measure,
        );
        if (step.change)
          await applyChange(tx, target, scale, step.change, measure, target.lastReadingAt, now);
        await persistState(tx, target, step.state, now);
      }
      for (const alert of await lockDueReminders(tx, now)) {
        await recordAlertEvent(tx, {
          alertId: alert.id,
          at: now,
          type: 'reminder',
          fromState: alert.state,
          toState: alert.state,
          fromLevel: alert.level,
          toLevel: alert.level,
          value: alert.value,
          readingTime: null,
          actor: null,
          note: null,
        });
        await markReminded(tx, alert.id, now);
      }
      await queueSummaryIfDue(tx, now);
    });
  }

  /** Queues today's summary once its time has come, unless another evaluator (or run) already did. */
  async function queueSummaryIfDue(tx: SqlQueryable, now: Date): Promise<void> {
    const schedule = deps.dailySummary;
    const day = schedule && dueSummaryDay(now.getTime(), schedule);
    if (!schedule || !day) return;
    const queued = await queueDailySummary(tx, { day, timeZone: schedule.timeZone, now });
    if (queued) {
      log.info(
        {
          day,
          webhooks: queued.webhooks,
          open: queued.payload.open.total,
          stale: queued.payload.stale.total,
        },
        'daily summary queued',
      );
    }
  }

  async function persistState(tx: SqlQueryable, target: RuleTarget, state: LevelState, lastTime: Date) {
    const stored: StoredRuleState = {
      activeLevel: state.active,
      candidateLevel: state.candidate,
      candidateSince: state.candidateSince === null ? null : new Date(state.candidateSince),
      lastTime,
    };
    const alert =
      state.active > 0 ? await findActiveAlert(tx, target.ruleId, target.datastreamId) : undefined;
    await saveRuleState(tx, target.ruleId, target.datastreamId, stored, alert?.id ?? null);
  }

  /** Writes one level change: the alert row, its history row and its outbox rows, in `tx`. */
  async function applyChange(
    tx: SqlQueryable,
    target: RuleTarget,
    { levels }: LevelScale,
    change: { from: number; to: number },
    measure: number,
    readingTime: Date,
    now: Date,
  ): Promise<void> {
    const from = levelName(levels, change.from);
    const to = levelName(levels, change.to);
    const existing = await findActiveAlert(tx, target.ruleId, target.datastreamId);
    const event = {
      at: now,
      fromLevel: from,
      toLevel: to,
      value: measure,
      readingTime,
      actor: null,
      note: null,
    };
    if (!existing) {
      if (change.to === 0) return; // Closed by a person while the condition held: nothing left to resolve.
      const alertId = await insertAlert(tx, {
        ruleId: target.ruleId,
        datastreamId: target.datastreamId,
        level: to,
        value: measure,
        openedAt: readingTime,
        now,
      });
      if (alertId === undefined) return; // Another evaluator opened it in the meantime.
      await recordAlertEvent(tx, { ...event, alertId, type: 'opened', fromState: null, toState: 'OPEN' });
      log.info(
        { alertId, rule: target.ruleName, datastreamId: target.datastreamId, level: to },
        'alert opened',
      );
      return;
    }
    if (change.to === 0) {
      await resolveAlert(tx, existing.id, { value: measure, resolvedAt: readingTime, now });
      await recordAlertEvent(tx, {
        ...event,
        alertId: existing.id,
        type: 'resolved',
        fromState: existing.state,
        toState: 'RESOLVED',
      });
      log.info({ alertId: existing.id, rule: target.ruleName }, 'alert resolved');
      return;
    }
    const rising = change.to > change.from;
    const peak = levels.findIndex((l) => l.level === existing.peakLevel) + 1;
    await changeAlertLevel(tx, existing.id, {
      level: to,
      value: measure,
      rising,
      newPeak: change.to > peak,
      now,
    });
    const type: AlertEventType = rising ? 'escalated' : 'deescalated';
    await recordAlertEvent(tx, {
      ...event,
      alertId: existing.id,
      type,
      fromState: existing.state,
      toState: rising ? 'OPEN' : existing.state,
    });
    log.info({ alertId: existing.id, rule: target.ruleName, from, to }, `alert ${type}`);
  }

  async function evaluateReadings(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await evaluateBatch();
      total += n;
      if (n < batchSize) return total;
    }
  }

  let timerRun: Promise<void> | undefined;
  function tick(): void {
    if (readingRuns.stopped || timerRun) return;
    timerRun = evaluateTimers()
      .catch((error: unknown) => log.error({ err: error }, 'no-data and reminder check failed'))
      .finally(() => {
        timerRun = undefined;
      });
  }

  return {
    evaluateReadings,
    evaluateTimers,
    async start() {
      readingRuns.start();
      unlisten = await database.sql.listen(READINGS_COMMITTED_CHANNEL, wake);
      timers.push(setInterval(wake, deps.pollMs ?? 5000), setInterval(tick, deps.timerMs ?? 15_000));
      wake();
      tick();
      log.info('alert evaluator started');
    },
    async stop() {
      const runEnded = readingRuns.stop();
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      await unlisten?.();
      unlisten = undefined;
      // The batch in hand commits (or rolls back) as a whole; wait for it so the database can close.
      await runEnded;
      await timerRun;
    },
  };
}

function toLevelState(stored: StoredRuleState | undefined): LevelState {
  return {
    active: stored?.activeLevel ?? 0,
    candidate: stored?.candidateLevel ?? null,
    candidateSince: stored?.candidateSince?.getTime() ?? null,
  };
}
