import { readingsTopic, statusTopic } from '@bisa/contract/topics.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createIngestPipeline } from './ingest-pipeline.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const utf8 = new TextEncoder();

async function storedValue(thingId: string, time: string): Promise<number | undefined> {
  const { rows } = await db.database.sql.query<{ value: number }>(
    `SELECT r.value FROM reading r JOIN datastream d ON d.id = r.datastream_id
     WHERE d.thing_id = $1 AND d.key = 'water_level' AND r.time = $2`,
    [thingId, time],
  );
  return rows[0]?.value;
}

async function connection(thingId: string): Promise<string | null | undefined> {
  const { rows } = await db.database.sql.query<{ connection: string | null }>(
    'SELECT connection FROM thing WHERE id = $1',
    [thingId],
  );
  return rows[0]?.connection;
}

/** Locks a device row in another transaction until released (or the test ends), so a commit that marks it accepted waits. */
async function holdDeviceRow(thingId: string): Promise<{ release(): void; blocker: Promise<void> }> {
  const { promise: held, resolve: release } = Promise.withResolvers<void>();
  const { promise: locked, resolve: lockTaken } = Promise.withResolvers<void>();
  const blocker = db.database.sql.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM thing WHERE id = $1 FOR UPDATE', [thingId]);
    lockTaken();
    await held;
  });
  onTestFinished(() => release());
  await locked;
  return { release, blocker };
}

describe('ingest pipeline commits (PostgreSQL)', () => {
  it('commits a batch while an earlier one waits, but holds a status until everything before it has committed', async () => {
    const pipeline = createIngestPipeline({
      database: db.database,
      logger: pino({ level: 'silent' }),
      maxConcurrentCommits: 2,
    });
    const time = new Date(Date.now() - 60_000).toISOString();
    const { release, blocker } = await holdDeviceRow('masamba-river-01');
    const settled: string[] = [];
    const handled = (name: string, topic: string, payload: string) =>
      pipeline.handle({ topic, payload: utf8.encode(payload) }).then(() => {
        settled.push(name);
      });
    const reading = (value: number) => JSON.stringify({ time, values: { water_level: value } });

    const blocked = handled('masamba', readingsTopic('masamba-river-01'), reading(1));
    await handled('baliase', readingsTopic('baliase-river-01'), reading(2));
    expect(settled).toEqual(['baliase']);
    expect(await storedValue('baliase-river-01', time)).toBe(2);

    const status = handled('status', statusTopic('baliase-river-01'), 'offline');
    // Nothing to await for something that must not happen: give the status time to overtake.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toEqual(['baliase']);
    expect(await connection('baliase-river-01')).not.toBe('offline');

    release();
    await blocker;
    await Promise.all([blocked, status]);
    expect(settled).toEqual(['baliase', 'masamba', 'status']);
    expect(await storedValue('masamba-river-01', time)).toBe(1);
    expect(await connection('baliase-river-01')).toBe('offline');
    expect(pipeline.metrics()).toMatchObject({ readingsCommitted: 2, statusUpdates: 1, commitFailures: 0 });
  });

  it('commits one batch at a time by default', async () => {
    const pipeline = createIngestPipeline({ database: db.database, logger: pino({ level: 'silent' }) });
    const time = new Date(Date.now() - 30_000).toISOString();
    const { release, blocker } = await holdDeviceRow('masamba-river-01');
    const settled: string[] = [];
    const payload = (value: number) => utf8.encode(JSON.stringify({ time, values: { water_level: value } }));
    const first = pipeline
      .handle({ topic: readingsTopic('masamba-river-01'), payload: payload(3) })
      .then(() => settled.push('masamba'));
    const second = pipeline
      .handle({ topic: readingsTopic('baliase-river-01'), payload: payload(4) })
      .then(() => settled.push('baliase'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await storedValue('baliase-river-01', time)).toBeUndefined();
    release();
    await Promise.all([blocker, first, second]);
    expect(settled).toEqual(['masamba', 'baliase']);
  });

  it('refuses a device disabled while it keeps publishing, once its cached registry entry expires', async () => {
    let clock = Date.now();
    const pipeline = createIngestPipeline({
      database: db.database,
      logger: pino({ level: 'silent' }),
      deviceCacheMs: 30_000,
      now: () => clock,
    });
    const reading = (seconds: number) => ({
      topic: readingsTopic('masamba-market-aq-01'),
      payload: utf8.encode(
        JSON.stringify({ time: new Date(Date.now() - seconds * 1000).toISOString(), values: { pm25: 12 } }),
      ),
    });
    await pipeline.handle(reading(20));
    await db.database.sql.query(
      'UPDATE thing SET disabled_at = now(), credential_hash = NULL WHERE id = $1',
      ['masamba-market-aq-01'],
    );
    onTestFinished(async () => {
      await db.database.sql.query('UPDATE thing SET disabled_at = NULL WHERE id = $1', [
        'masamba-market-aq-01',
      ]);
    });
    clock += 30_000;
    await pipeline.handle(reading(10));
    const { rows } = await db.database.sql.query<{ reason: string }>(
      'SELECT reason FROM dead_letter WHERE topic = $1 ORDER BY id',
      [readingsTopic('masamba-market-aq-01')],
    );
    expect(rows.map((row) => row.reason)).toEqual(['device_disabled']);
  });
});
