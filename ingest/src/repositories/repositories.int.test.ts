import type { Database } from '@bisa/db/database.ts';
import { openEmbeddedDatabase } from '@bisa/db/database.ts';
import { applyMigrations } from '@bisa/db/migrate.ts';
import {
  type CommittedReading,
  parseReadingsCommitted,
  READINGS_COMMITTED_CHANNEL,
} from '@bisa/db/notifications.ts';
import { seedReferenceData, seedSampleData } from '@bisa/db/seed.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDeadLetters } from './dead-letters.ts';
import { insertReadings, storeReadings, upsertLatestReadings } from './readings.ts';
import { findThingStreams, markThingConnection, markThingRejected } from './things.ts';

// The same SQL runs on a PostgreSQL server and on the embedded PGlite with TimescaleDB (hub mode).
const backends: [string, () => Promise<{ database: Database; close(): Promise<void> }>][] = [
  [
    'PostgreSQL 15',
    async () => {
      const test: TestDatabase = await createTestDatabase();
      return { database: test.database, close: () => test.drop() };
    },
  ],
  [
    'PGlite with TimescaleDB',
    async () => {
      const database = await openEmbeddedDatabase(undefined);
      await applyMigrations(database.sql);
      await seedReferenceData(database);
      await seedSampleData(database);
      return { database, close: () => database.close() };
    },
  ],
];

describe.each(backends)('repositories on %s', (_name, open) => {
  let backend: { database: Database; close(): Promise<void> };
  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('inserts readings once, returns only new rows and keeps the newest as latest', async () => {
    const { sql } = backend.database;
    const river = await findThingStreams(sql, 'masamba-river-01');
    const level = river?.datastreamIds.get('water_level');
    expect(level).toBeTypeOf('number');
    if (level === undefined) return;
    const t1 = new Date('2026-11-28T02:00:00.123Z');
    const t2 = new Date('2026-11-28T02:01:00Z');
    const first = await sql.transaction(async (tx) => {
      const rows = await insertReadings(tx, [
        { datastreamId: level, time: t2, value: 2 },
        { datastreamId: level, time: t1, value: 1 },
      ]);
      await upsertLatestReadings(tx, rows);
      return rows;
    });
    expect(first.sort((a, b) => a.time.localeCompare(b.time))).toEqual([
      { datastreamId: level, time: t1.toISOString(), value: 1 },
      { datastreamId: level, time: t2.toISOString(), value: 2 },
    ]);
    const again = await insertReadings(sql, [
      { datastreamId: level, time: t1, value: 99 },
      { datastreamId: level, time: new Date('2026-11-28T01:00:00Z'), value: 0.5 },
    ]);
    expect(again).toHaveLength(1);
    await upsertLatestReadings(sql, again);
    const { rows } = await sql.query<{ time: Date; value: number }>(
      'SELECT time, value FROM latest_reading WHERE datastream_id = $1',
      [level],
    );
    expect(rows.map((r) => [new Date(r.time).toISOString(), r.value])).toEqual([[t2.toISOString(), 2]]);
  });

  it('stores a batch in one statement: new readings, latest, devices accepted, notifications', async () => {
    const { sql } = backend.database;
    const level = (await findThingStreams(sql, 'baliase-river-01'))?.datastreamIds.get('water_level');
    expect(level).toBeTypeOf('number');
    if (level === undefined) return;
    const notified: CommittedReading[][] = [];
    const unlisten = await sql.listen(READINGS_COMMITTED_CHANNEL, (payload) => {
      notified.push(parseReadingsCommitted(payload));
    });
    await sql.query("UPDATE thing SET last_error = 'old: error' WHERE id = 'baliase-river-01'");
    const t0 = Date.parse('2026-11-30T00:00:00.007Z');
    // 70 readings, given newest first and with values JSON must carry exactly.
    const rows = Array.from({ length: 70 }, (_, i) => ({
      datastreamId: level,
      time: new Date(t0 + (69 - i) * 1000),
      value: i === 0 ? 0.1 + 0.2 : -i / 3,
    }));
    expect(await storeReadings(sql, rows, ['baliase-river-01'])).toBe(70);
    // A redelivery of the first ten plus one new reading: only the new one counts and is notified.
    const later = { datastreamId: level, time: new Date(t0 + 70_000), value: 7 };
    expect(await storeReadings(sql, [...rows.slice(0, 10), later], ['baliase-river-01'])).toBe(1);
    await expect.poll(() => notified.flat().length).toBe(71);
    await unlisten();
    // At most 60 readings per notification (NOTIFY payloads are limited to 8000 bytes).
    expect(notified.map((n) => n.length).sort((a, b) => a - b)).toEqual([1, 10, 60]);
    const expected = [...rows, later].map((r) => ({
      datastreamId: r.datastreamId,
      time: r.time.toISOString(),
      value: r.value,
    }));
    const byTime = (a: CommittedReading, b: CommittedReading) => a.time.localeCompare(b.time);
    expect(notified.flat().sort(byTime)).toEqual(expected.sort(byTime));
    const { rows: latest } = await sql.query<{ time: Date; value: number }>(
      'SELECT time, value FROM latest_reading WHERE datastream_id = $1',
      [level],
    );
    expect(latest.map((r) => [new Date(r.time).toISOString(), r.value])).toEqual([
      [later.time.toISOString(), 7],
    ]);
    const { rows: thing } = await sql.query<{ last_error: string | null; last_accepted_at: Date | null }>(
      "SELECT last_error, last_accepted_at FROM thing WHERE id = 'baliase-river-01'",
    );
    expect(thing[0]).toMatchObject({ last_error: null, last_accepted_at: expect.anything() });
  });

  it('stores dead letters byte for byte and tracks device status', async () => {
    const { sql } = backend.database;
    const payload = new Uint8Array([0, 0xff, 0x7b, 0x0a]);
    await insertDeadLetters(sql, [
      {
        topic: 'bisa/v1/masamba-market-aq-01/readings',
        clientId: 'masamba-market-aq-01',
        payload,
        reason: 'invalid_utf8',
        detail: 'payload is not valid UTF-8 text',
      },
      {
        topic: 'bisa/v1/Bad/readings',
        clientId: null,
        payload: new Uint8Array(),
        reason: 'invalid_topic',
        detail: 'd',
      },
    ]);
    const { rows } = await sql.query<{ payload: Uint8Array; reason: string }>(
      "SELECT payload, reason FROM dead_letter WHERE client_id = 'masamba-market-aq-01' OR client_id IS NULL ORDER BY id",
    );
    expect(rows.map((r) => [Buffer.from(r.payload).toString('hex'), r.reason])).toEqual([
      ['00ff7b0a', 'invalid_utf8'],
      ['', 'invalid_topic'],
    ]);
    await markThingRejected(sql, 'masamba-market-aq-01', 'invalid_utf8: bad');
    const status = async () =>
      (
        await sql.query<{
          last_error: string | null;
          last_seen_at: Date | null;
          last_accepted_at: Date | null;
          connection: string | null;
          connection_at: Date | null;
        }>(
          "SELECT last_error, last_seen_at, last_accepted_at, connection, connection_at FROM thing WHERE id = 'masamba-market-aq-01'",
        )
      ).rows[0];
    expect(await status()).toMatchObject({
      last_error: 'invalid_utf8: bad',
      last_seen_at: expect.anything(),
      last_accepted_at: null,
    });
    await storeReadings(sql, [], ['masamba-market-aq-01']);
    expect(await status()).toMatchObject({ last_error: null, last_accepted_at: expect.anything() });
    await markThingConnection(sql, 'masamba-market-aq-01', 'online');
    const online = await status();
    expect(online?.connection).toBe('online');
    // The same status again (a redelivery, a re-sent retained message) keeps when it changed.
    await markThingConnection(sql, 'masamba-market-aq-01', 'online');
    expect((await status())?.connection_at).toEqual(online?.connection_at);
    await markThingConnection(sql, 'masamba-market-aq-01', 'offline');
    expect((await status())?.connection).toBe('offline');
  });

  it('finds a device without datastreams, and no device for an unknown id', async () => {
    const { sql } = backend.database;
    await sql.query(
      "INSERT INTO thing (id, name, programme_id, location_id) VALUES ('bare-01', 'bare', 'public-wifi', 'masamba-park')",
    );
    expect(await findThingStreams(sql, 'bare-01')).toEqual({
      thingId: 'bare-01',
      disabled: false,
      datastreamIds: new Map(),
    });
    await sql.query("UPDATE thing SET disabled_at = now() WHERE id = 'bare-01'");
    expect((await findThingStreams(sql, 'bare-01'))?.disabled).toBe(true);
    expect(await findThingStreams(sql, 'ghost-01')).toBeUndefined();
  });
});
