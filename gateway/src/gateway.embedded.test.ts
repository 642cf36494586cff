import { createAlertRule, insertAlert } from '@bisa/db/alerts.ts';
import { type Database, openEmbeddedDatabase } from '@bisa/db/database.ts';
import { applyMigrations } from '@bisa/db/migrate.ts';
import { seedReferenceData, seedSampleData } from '@bisa/db/seed.ts';
import { datastreamIdOf } from '@bisa/db/testing.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from './gateway.ts';
import { listDimensionsWithCoordinator } from './repositories/dimensions.ts';
import { readSeriesFromHourlyAggregate, readSeriesFromReadings } from './repositories/readings.ts';
import { execute, globalId, insertReadings, signInCookie } from './testing.ts';

// On the embedded database (PGlite with TimescaleDB) whole-hour series come from the
// `reading_hourly` continuous aggregate; they must equal what the raw readings give.

let database: Database;
let gateway: Gateway;
let waterLevel: number;

beforeAll(async () => {
  database = await openEmbeddedDatabase(undefined);
  await applyMigrations(database.sql);
  await seedReferenceData(database);
  await seedSampleData(database);
  gateway = createGateway({ database, logger: pino({ level: 'silent' }) });
  await gateway.start();
  waterLevel = await datastreamIdOf(database.sql, 'masamba-river-01', 'water_level');
  // Two days of readings every 10 minutes with a recognisable shape.
  const start = Date.parse('2026-11-26T00:00:00Z');
  await insertReadings(
    database.sql,
    waterLevel,
    Array.from({ length: 288 }, (_, i) => ({
      time: new Date(start + i * 600_000).toISOString(),
      value: 1 + Math.sin(i / 7) + (i % 5) / 10,
    })),
  );
});

afterAll(async () => {
  await gateway?.stop();
  await database?.close();
});

describe('series on TimescaleDB', () => {
  it('has the hourly continuous aggregate', async () => {
    expect(await database.hasTimescale()).toBe(true);
  });

  it('gives the same hour and day buckets from the aggregate as from raw readings', async () => {
    for (const bucketSeconds of [3600, 86_400]) {
      const query = {
        datastreamId: waterLevel,
        from: new Date('2026-11-25T16:00:00Z'),
        to: new Date('2026-11-28T16:00:00Z'),
        bucketSeconds,
      };
      const raw = await readSeriesFromReadings(database.sql, query);
      const hourly = await readSeriesFromHourlyAggregate(database.sql, query);
      expect(raw.length).toBe(bucketSeconds === 3600 ? 48 : 3);
      expect(hourly.map((row) => [row.bucket.toISOString(), row.count, row.min, row.max])).toEqual(
        raw.map((row) => [row.bucket.toISOString(), row.count, row.min, row.max]),
      );
      hourly.forEach((row, i) => {
        expect(row.avg).toBeCloseTo(raw[i]?.avg ?? Number.NaN, 9);
      });
    }
  });

  it('serves whole-hour series through GraphQL with the readings of every bucket', async () => {
    const { data, errors } = await execute<{ datastream: { series: { count: number }[] } }>(
      gateway.yoga,
      `{ datastream(id: "${globalId('Datastream', waterLevel)}") {
          series(from: "2026-11-26T00:00:00+08:00", to: "2026-11-29T00:00:00+08:00", bucket: DAY) { bucket count } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data?.datastream.series).toEqual([
      // Local days in WITA: the readings start at 08:00 on the 26th and end 07:50 on the 28th.
      { bucket: '2026-11-25T16:00:00.000Z', count: 96 },
      { bucket: '2026-11-26T16:00:00.000Z', count: 144 },
      { bucket: '2026-11-27T16:00:00.000Z', count: 48 },
    ]);
  });
});

describe('alerts on the embedded database', () => {
  it('acknowledges and closes an alert through GraphQL (shared SQL inside a Prisma transaction on PGlite)', async () => {
    const cookie = await signInCookie(gateway.yoga, 'operator@contoh.bisa.id', 'sample-operator');
    const ruleId = await createAlertRule(database.sql, {
      name: 'embedded test',
      kind: 'THRESHOLD',
      target: { datastreamId: waterLevel },
      levels: [{ level: 'AWAS', raise: 3.5, clear: 3.3 }],
    });
    const now = new Date();
    const alertId = await insertAlert(database.sql, {
      ruleId,
      datastreamId: waterLevel,
      level: 'AWAS',
      value: 3.6,
      openedAt: now,
      now,
    });
    const act = (mutation: 'acknowledgeAlert' | 'closeAlert') =>
      execute<Record<string, { state: string; events: { type: string }[] }>>(
        gateway.yoga,
        `mutation ($id: ID!) { ${mutation}(id: $id, note: "uji") { state events { type actor } } }`,
        { id: globalId('Alert', alertId ?? '') },
        cookie,
      );
    expect((await act('acknowledgeAlert')).data?.acknowledgeAlert).toMatchObject({
      state: 'ACKNOWLEDGED',
      events: [{ type: 'ACKNOWLEDGED' }],
    });
    expect((await act('closeAlert')).data?.closeAlert).toMatchObject({
      state: 'CLOSED',
      events: [{ type: 'ACKNOWLEDGED' }, { type: 'CLOSED' }],
    });
  });
});

describe('dimensions on the embedded database', () => {
  it('reads the dimensions with their coordinator as Prisma does (PGlite ignores statement names)', async () => {
    const prisma = database.createPrisma();
    try {
      const viaPrisma = await prisma.dimension.findMany({
        include: { coordinatorAgency: true },
        orderBy: { sortOrder: 'asc' },
      });
      expect(viaPrisma).toHaveLength(6);
      expect(await listDimensionsWithCoordinator(database.sql)).toStrictEqual(viaPrisma);
    } finally {
      await prisma.$disconnect();
    }
  });
});
