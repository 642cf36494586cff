import type { SqlQueryable } from '@bisa/db/sql-client.ts';

/** A device as ingest needs it: its id and the datastream id of each metric key. */
export interface ThingStreams {
  thingId: string;
  datastreamIds: ReadonlyMap<string, number>;
}

/** Loads a device and its datastreams; undefined when no such device is registered. */
export async function findThingStreams(db: SqlQueryable, thingId: string): Promise<ThingStreams | undefined> {
  const { rows } = await db.query<{ key: string | null; id: number | null }>(
    `SELECT d.key, d.id FROM thing t LEFT JOIN datastream d ON d.thing_id = t.id WHERE t.id = $1`,
    [thingId],
  );
  if (rows.length === 0) return undefined;
  const datastreamIds = new Map<string, number>();
  for (const row of rows) if (row.key !== null && row.id !== null) datastreamIds.set(row.key, row.id);
  return { thingId, datastreamIds };
}

/** Records that a device sent a message that was stored: seen now, no current error. */
export async function markThingSeen(db: SqlQueryable, thingId: string): Promise<void> {
  await db.query(
    `UPDATE thing SET last_seen_at = GREATEST(last_seen_at, now()), last_error = NULL WHERE id = $1`,
    [thingId],
  );
}

/** Records that a device sent a message that was refused, with what was wrong. */
export async function markThingRejected(db: SqlQueryable, thingId: string, error: string): Promise<void> {
  await db.query(
    `UPDATE thing SET last_seen_at = GREATEST(last_seen_at, now()), last_error = $2 WHERE id = $1`,
    [thingId, error],
  );
}
