import type { Database } from '@bisa/db/database.ts';
import { notifyReadingsCommitted, REPORT_EVENTS_CHANNEL } from '@bisa/db/notifications.ts';
import type { SqlClient } from '@bisa/db/sql-client.ts';
import { datastreamIdOf, type TestDatabase } from '@bisa/db/testing.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from './gateway.ts';
import {
  execute,
  globalId,
  insertReadings,
  openSubscription,
  startTestGateway,
  type TestGateway,
} from './testing.ts';

// Quick-win evaluation on the real PostgreSQL with the seeded Luwu Utara sample: KPIs computed
// from readings and from approved reports, rolled up per programme, dimension and regency.

let testGateway: TestGateway;
let db: TestDatabase;
let gateway: Gateway;
let periodStart: Date;
let pm25: number;
const DAY_MS = 86_400_000;
const day = (n: number) => new Date(periodStart.getTime() + n * DAY_MS).toISOString();

type KpiEvaluation = {
  actual: number | null;
  progress: number | null;
  expectedProgress: number;
  status: string;
};

async function kpiEvaluation(id: string, asOf: string): Promise<KpiEvaluation> {
  const { data, errors } = await execute<{
    programmes: { nodes: { kpis: { databaseId: string; evaluation: KpiEvaluation }[] }[] };
  }>(
    gateway.yoga,
    `query ($asOf: DateTime) { programmes(first: 100) { nodes {
       kpis { databaseId evaluation(asOf: $asOf) { actual progress expectedProgress status } } } } }`,
    { asOf },
  );
  expect(errors).toBeUndefined();
  const kpi = data?.programmes.nodes.flatMap((p) => p.kpis).find((k) => k.databaseId === id);
  if (!kpi) throw new Error(`no KPI ${id} in the sample`);
  return kpi.evaluation;
}

beforeAll(async () => {
  testGateway = await startTestGateway();
  ({ db, gateway } = testGateway);
  const { rows } = await db.database.sql.query<{ period_start: Date }>(
    "SELECT period_start::timestamptz AS period_start FROM kpi WHERE id = 'market-pm25'",
  );
  periodStart = rows[0]?.period_start ?? new Date(Number.NaN);
  pm25 = await datastreamIdOf(db.database.sql, 'masamba-market-aq-01', 'pm25');
  await insertReadings(db.database.sql, pm25, [
    { time: day(10), value: 45 },
    { time: day(100), value: 35 },
    { time: day(250), value: 100 }, // after the asOf used below: must not count
  ]);
});

afterAll(() => testGateway?.stop());

describe('the Luwu Utara sample', () => {
  it('has about fifteen quick wins over the six dimensions, with KPIs and partners', async () => {
    const { data } = await execute<{
      dimensions: {
        id: string;
        programmes: { id: string; kpis: { id: string }[] }[];
        subDimensions: { id: string }[];
      }[];
      partners: {
        nodes: {
          name: string;
          roles: { programme: { databaseId: string }; role: { id: string; en: string } }[];
        }[];
      };
    }>(
      gateway.yoga,
      `{ dimensions { id subDimensions { id } programmes(kind: QUICK_WIN) { id kpis { id } } }
         partners { nodes { name roles { programme { databaseId } role { id en } } } } }`,
    );
    const quickWins = data?.dimensions.flatMap((d) => d.programmes) ?? [];
    expect(quickWins.length).toBeGreaterThanOrEqual(14);
    for (const dimension of data?.dimensions ?? []) {
      expect(dimension.programmes.length, dimension.id).toBeGreaterThan(0);
      expect(dimension.subDimensions.length, dimension.id).toBeGreaterThan(0);
    }
    for (const quickWin of quickWins) expect(quickWin.kpis.length, quickWin.id).toBeGreaterThan(0);
    const flood = data?.partners.nodes
      .flatMap((p) => p.roles)
      .filter((r) => r.programme.databaseId === 'flood-early-warning');
    expect(flood?.length).toBe(2);
  });
});

describe('KPI evaluation', () => {
  it('computes a KPI from readings in its window up to the instant asked for, respecting direction', async () => {
    // PM2.5 from 55 down to 35: the average of 45 and 35 is 40, three quarters of the way.
    const evaluation = await kpiEvaluation('market-pm25', day(182));
    expect(evaluation.actual).toBe(40);
    expect(evaluation.progress).toBeCloseTo(0.75, 12);
    expect(evaluation.expectedProgress).toBeGreaterThan(0.45);
    expect(evaluation.expectedProgress).toBeLessThan(0.55);
    expect(evaluation.status).toBe('ON_TRACK');
  });

  it('counts only approved reports made by the instant asked for', async () => {
    // 12 villages approved on day 150; 40 on day 310 was rejected.
    expect(await kpiEvaluation('flood-villages-reached', day(100))).toMatchObject({
      actual: null,
      progress: null,
      status: 'NO_DATA',
    });
    const late = await kpiEvaluation('flood-villages-reached', day(320));
    expect(late.actual).toBe(12);
    expect(late.progress).toBeCloseTo(12 / 36, 12);
    expect(late.status).toBe('OFF_TRACK');
  });

  it('is NOT_STARTED before its window opens', async () => {
    expect((await kpiEvaluation('market-pm25', day(-5))).status).toBe('NOT_STARTED');
  });
});

describe('roll-ups', () => {
  it("rolls a programme's KPIs up with their weights", async () => {
    const { data } = await execute<{
      programme: {
        evaluation: { progress: number };
        kpis: { weight: number; evaluation: { progress: number | null } }[];
      };
    }>(
      gateway.yoga,
      `query ($asOf: DateTime) { programme(id: "${globalId('Programme', 'market-air-quality')}") {
          evaluation(asOf: $asOf) { progress } kpis { weight evaluation(asOf: $asOf) { progress } } } }`,
      { asOf: day(182) },
    );
    const kpis = data?.programme.kpis.filter((k) => k.evaluation.progress !== null) ?? [];
    const total = kpis.reduce((sum, k) => sum + k.weight, 0);
    const expected = kpis.reduce((sum, k) => sum + k.weight * (k.evaluation.progress ?? 0), 0) / total;
    expect(data?.programme.evaluation.progress).toBeCloseTo(expected, 12);
  });

  it('scores the regency with the weights of the scheme, which are data', async () => {
    const query = `query ($asOf: DateTime, $scheme: ID) { regencyEvaluation(asOf: $asOf, schemeId: $scheme) {
        scheme { databaseId } score components { component weight kpiCount evaluation { progress } } } }`;
    type Result = {
      regencyEvaluation: {
        scheme: { databaseId: string };
        score: number;
        components: {
          component: string;
          weight: number;
          kpiCount: number;
          evaluation: { progress: number | null };
        }[];
      };
    };
    const byDefault = await execute<Result>(gateway.yoga, query, { asOf: day(320) });
    const regency = byDefault.data?.regencyEvaluation;
    expect(regency?.scheme.databaseId).toBe('default');
    expect(regency?.components.map((c) => [c.component, c.weight])).toEqual([
      ['BASELINE', 10],
      ['OUTPUT', 20],
      ['OUTCOME', 30],
      ['IMPACT', 30],
      ['QUICK_WIN', 10],
    ]);
    const scored = regency?.components.filter((c) => c.evaluation.progress !== null) ?? [];
    const weighted =
      scored.reduce((sum, c) => sum + c.weight * (c.evaluation.progress ?? 0), 0) /
      scored.reduce((sum, c) => sum + c.weight, 0);
    expect(regency?.score).toBeCloseTo(weighted, 12);

    // A scheme that scores only impact gives the impact component's progress.
    await db.database.sql.query(
      "INSERT INTO evaluation_scheme (id, name_id, name_en) VALUES ('impact-only', 'Dampak saja', 'Impact only')",
    );
    await db.database.sql.query(
      `INSERT INTO evaluation_weight (scheme_id, component, weight)
       SELECT 'impact-only', c::evaluation_component, CASE WHEN c = 'IMPACT' THEN 1 ELSE 0 END
         FROM unnest(ARRAY['BASELINE', 'OUTPUT', 'OUTCOME', 'IMPACT', 'QUICK_WIN']) AS c`,
    );
    const impactOnly = await execute<Result>(gateway.yoga, query, {
      asOf: day(320),
      scheme: globalId('EvaluationScheme', 'impact-only'),
    });
    const impact = impactOnly.data?.regencyEvaluation.components.find((c) => c.component === 'IMPACT');
    expect(impactOnly.data?.regencyEvaluation.score).toBeCloseTo(
      impact?.evaluation.progress ?? Number.NaN,
      12,
    );
    expect(impactOnly.data?.regencyEvaluation.score).not.toBeCloseTo(regency?.score ?? Number.NaN, 6);
  });

  it('refuses an unknown scheme with NOT_FOUND', async () => {
    const { errors } = await execute(
      gateway.yoga,
      `{ regencyEvaluation(schemeId: "${globalId('EvaluationScheme', 'nope')}") { score } }`,
    );
    expect(errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(errors?.[0]?.message).toContain('No evaluation scheme has the id "nope"');
  });
});

/** The test database with a counter of the raw SQL queries the gateway sends through it. */
function countingSql(database: Database): { database: Database; count: () => number; reset: () => void } {
  let queries = 0;
  const sql: SqlClient = {
    query: (text, params) => {
      queries += 1;
      return database.sql.query(text, params);
    },
    exec: (script) => database.sql.exec(script),
    transaction: (work) => database.sql.transaction(work),
    listen: (channel, handler) => database.sql.listen(channel, handler),
    // The test database closes its own pool.
    close: async () => {},
  };
  return {
    database: { ...database, sql, createPrisma: () => database.createPrisma() },
    count: () => queries,
    reset: () => {
      queries = 0;
    },
  };
}

describe('batched evaluation (dataloader)', () => {
  it('evaluates all programmes of a request together: two SQL queries for every KPI actual', async () => {
    const counted = countingSql(db.database);
    const counting = createGateway({ database: counted.database, logger: pino({ level: 'silent' }) });
    await counting.start();
    try {
      type Programmes = {
        programmes: { nodes: { id: string; evaluation: { progress: number | null; status: string } }[] };
      };
      counted.reset();
      const all = await execute<Programmes>(
        counting.yoga,
        'query ($asOf: DateTime) { programmes(first: 100) { nodes { id evaluation(asOf: $asOf) { progress status } } } }',
        { asOf: day(182) },
      );
      expect(all.errors).toBeUndefined();
      const programmes = all.data?.programmes.nodes ?? [];
      expect(programmes.length).toBeGreaterThanOrEqual(14);
      // Computed actuals and reported actuals: one query each, not one each per programme.
      expect(counted.count()).toBe(2);

      // Batching changes nothing in the figures: each programme alone gives the same.
      for (const programme of programmes) {
        const alone = await execute<{ programme: { evaluation: unknown } }>(
          counting.yoga,
          'query ($id: ID!, $asOf: DateTime) { programme(id: $id) { evaluation(asOf: $asOf) { progress status } } }',
          { id: programme.id, asOf: day(182) },
        );
        expect(alone.data?.programme.evaluation, programme.id).toEqual(programme.evaluation);
      }

      // The wallboard's shape: dimensions, their programmes and their KPIs, one batch per level.
      counted.reset();
      const wallboard = await execute(
        counting.yoga,
        `{ dimensions { evaluation { progress } programmes { evaluation { status } kpis { evaluation { actual } } } } }`,
      );
      expect(wallboard.errors).toBeUndefined();
      expect(counted.count()).toBeLessThanOrEqual(6);
    } finally {
      await counting.stop();
    }
  });
});

describe('kpiChanged subscription', () => {
  function subscribe(query: string) {
    return openSubscription(
      async (url, init) => gateway.yoga.fetch(url, init),
      'http://gateway.test/graphql',
      query,
    );
  }

  it('sends a computed KPI when a committed reading moves its actual value, and only then', async () => {
    const stream = await subscribe(
      `subscription { kpiChanged(kpiIds: ["${globalId('Kpi', 'market-pm25')}"]) { databaseId evaluation { actual } } }`,
    );
    // A commit that leaves the average where it was (no new row) sends nothing ...
    await db.database.sql.transaction(async (tx) => {
      await notifyReadingsCommitted(tx, [{ datastreamId: pm25, time: new Date().toISOString(), value: 60 }]);
    });
    // ... a reading that moves it does.
    const time = new Date(Date.now() - 1000).toISOString();
    await insertReadings(db.database.sql, pm25, [{ time, value: 0 }]);
    await db.database.sql.transaction(async (tx) => {
      await notifyReadingsCommitted(tx, [{ datastreamId: pm25, time, value: 0 }]);
    });
    // 45, 35 and 100 in the window so far (average 60), then 0: the average is now 45.
    expect(await stream.next()).toEqual({
      data: { kpiChanged: { databaseId: 'market-pm25', evaluation: { actual: 45 } } },
    });
    // Each event is graded when it happens, not when the subscription started.
    const later = new Date().toISOString();
    await insertReadings(db.database.sql, pm25, [{ time: later, value: 90 }]);
    await db.database.sql.transaction(async (tx) => {
      await notifyReadingsCommitted(tx, [{ datastreamId: pm25, time: later, value: 90 }]);
    });
    expect(await stream.next()).toEqual({
      data: { kpiChanged: { databaseId: 'market-pm25', evaluation: { actual: 54 } } },
    });
    stream.close();
  });

  it('sends a reported KPI when a report of it is approved', async () => {
    const stream = await subscribe(
      `subscription { kpiChanged(programmeId: "${globalId('Programme', 'flood-early-warning')}") {
         databaseId evaluation { actual } } }`,
    );
    const { rows } = await db.database.sql.query<{ id: string }>(
      `INSERT INTO progress_report (kpi_id, value, observed_on, reporter, status, reviewer, reviewed_at)
       VALUES ('flood-villages-reached', 30, (now() AT TIME ZONE 'Asia/Makassar')::date, 'test', 'APPROVED', 'admin', now())
       RETURNING id`,
    );
    await db.database.sql.query('SELECT pg_notify($1, $2)', [
      REPORT_EVENTS_CHANNEL,
      JSON.stringify({ reportId: rows[0]?.id, kpiId: 'flood-villages-reached', status: 'APPROVED' }),
    ]);
    const event = await stream.next();
    stream.close();
    expect(event).toEqual({
      data: { kpiChanged: { databaseId: 'flood-villages-reached', evaluation: { actual: 30 } } },
    });
  });

  it('refuses an unknown KPI with NOT_FOUND', async () => {
    const stream = await subscribe(
      `subscription { kpiChanged(kpiIds: ["${globalId('Kpi', 'nope')}"]) { id } }`,
    );
    const event = await stream.next();
    stream.close();
    expect(event.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('rules the database keeps', () => {
  it('refuses a rejected report without a reason and a computed KPI without a datastream', async () => {
    await expect(
      db.database.sql.query(
        `INSERT INTO progress_report (kpi_id, value, observed_on, reporter, status, reviewer, reviewed_at)
         VALUES ('qris-traders', 1, CURRENT_DATE, 'x', 'REJECTED', 'y', now())`,
      ),
    ).rejects.toThrow(/progress_report_review/);
    await expect(
      db.database.sql.query(
        `INSERT INTO kpi (id, programme_id, name_id, name_en, unit, direction, baseline, target, component,
                          period_start, period_end, source)
         VALUES ('broken', 'public-wifi', 'x', 'x', '%', 'INCREASE', 0, 1, 'OUTPUT', '2026-01-01', '2027-01-01', 'COMPUTED')`,
      ),
    ).rejects.toThrow(/kpi_source_fields/);
  });
});
