import { listAlerts } from '@bisa/db/alerts.ts';
import { SAMPLE_ALERT_RULES } from '@bisa/db/sample-data.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import { createAlertEvaluator } from '@bisa/ingest/alerts/evaluator.ts';
import { insertReadings, upsertLatestReadings } from '@bisa/ingest/repositories/readings.ts';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FLOOD_SCENARIO_SECONDS, floodWaterLevel } from './flood-scenario.ts';

// The flash-flood replay against the real PostgreSQL with the seeded sample rules: one reading
// every 10 s, committed a minute at a time and evaluated as it arrives, on the scenario's clock.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const [thresholdRule, riseRule] = SAMPLE_ALERT_RULES;

function clock(seconds: number): string {
  return `t+${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
}

it('the flash-flood replay raises the rate-of-rise alert before the fixed threshold is crossed', async () => {
  const { rows } = await db.database.sql.query<{ id: number }>(
    `SELECT id FROM datastream WHERE thing_id = 'masamba-river-01' AND key = 'water_level'`,
  );
  const ds = rows[0]?.id;
  if (ds === undefined) throw new Error('sample river gauge missing');
  const t0 = Date.parse('2020-07-13T10:00:00Z');
  let now = t0;
  const evaluator = createAlertEvaluator({
    database: db.database,
    logger: pino({ level: 'silent' }),
    clock: () => now,
  });
  const step = 10;
  for (let minute = 0; minute * 60 < FLOOD_SCENARIO_SECONDS; minute += 1) {
    const batch = Array.from({ length: 60 / step }, (_, i) => {
      const t = minute * 60 + i * step;
      return { datastreamId: ds, time: new Date(t0 + t * 1000), value: floodWaterLevel(t) };
    });
    await db.database.sql.transaction(async (tx) => {
      await upsertLatestReadings(tx, await insertReadings(tx, batch));
    });
    now = t0 + (minute + 1) * 60_000;
    await evaluator.evaluateReadings();
  }

  const { rows: rules } = await db.database.sql.query<{ id: string; name: string }>(
    'SELECT id, name FROM alert_rule WHERE is_sample',
  );
  const ruleId = (name: string | undefined) => rules.find((r) => r.name === name)?.id;
  const alerts = await listAlerts(db.database.sql, { datastreamId: ds });
  const rise = alerts.find((a) => a.ruleId === ruleId(riseRule?.name));
  const threshold = alerts.find((a) => a.ruleId === ruleId(thresholdRule?.name));
  if (!rise || !threshold || !thresholdRule)
    throw new Error(`expected both alerts, got ${JSON.stringify(alerts)}`);
  const firstRaise = thresholdRule.levels[0].raise;
  let crossing = 0;
  while (floodWaterLevel(crossing) < firstRaise) crossing += step;

  const riseAt = (rise.openedAt.getTime() - t0) / 1000;
  const thresholdAt = (threshold.openedAt.getTime() - t0) / 1000;
  console.log(
    `flood replay: rate-of-rise alert (${rise.level} at first) at ${clock(riseAt)}; the river crossed ` +
      `${thresholdRule.levels[0].level} (${firstRaise} m) at ${clock(crossing)}: lead time ${crossing - riseAt} s ` +
      `before the crossing, ${thresholdAt - riseAt} s before the threshold alert (${clock(thresholdAt)}, ` +
      `after its ${thresholdRule.pendingSeconds} s pending period); peak levels ${rise.peakLevel} / ${threshold.peakLevel}`,
  );
  expect(riseAt).toBeLessThan(crossing);
  expect(thresholdAt).toBeGreaterThanOrEqual(crossing);
  expect(rise.peakLevel).toBe('AWAS');
  expect(threshold.peakLevel).toBe('AWAS');
});
