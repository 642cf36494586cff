import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbeddedDatabase } from './database.ts';
import { applyMigrations } from './migrate.ts';
import { seedReferenceData, seedSampleData } from './seed.ts';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('embedded database kept in a folder', () => {
  it('stores readings in the hypertable after it is closed and opened again', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'bisa-embedded-'));
    folders.push(dataDir);
    const first = await openEmbeddedDatabase(dataDir);
    await applyMigrations(first.sql);
    await seedReferenceData(first);
    await seedSampleData(first);
    const { rows } = await first.sql.query<{ id: number }>('SELECT id FROM datastream ORDER BY id LIMIT 1');
    const datastreamId = rows[0]?.id;
    await first.sql.query('INSERT INTO reading (datastream_id, time, value) VALUES ($1, $2, 1.5)', [
      datastreamId,
      '2026-11-28T00:00:00Z',
    ]);
    await first.close();

    const reopened = await openEmbeddedDatabase(dataDir);
    try {
      expect(await applyMigrations(reopened.sql)).toEqual([]);
      await reopened.sql.query('INSERT INTO reading (datastream_id, time, value) VALUES ($1, $2, 2.5)', [
        datastreamId,
        '2026-11-28T00:30:00Z',
      ]);
      const hourly = await reopened.sql.query<{ avg_value: number; sample_count: number }>(
        'SELECT avg_value, sample_count::int AS sample_count FROM reading_hourly WHERE datastream_id = $1',
        [datastreamId],
      );
      expect(hourly.rows).toEqual([{ avg_value: 2, sample_count: 2 }]);
    } finally {
      await reopened.close();
    }
  });
});
