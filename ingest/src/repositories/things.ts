import type { DeviceStatus } from '@bisa/contract/payload.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';

/** A device as ingest needs it: its id, whether it is disabled and the datastream id of each metric key. */
export interface ThingStreams {
  thingId: string;
  disabled: boolean;
  datastreamIds: ReadonlyMap<string, number>;
}

/** Loads a device and its datastreams; undefined when no such device is registered. */
export async function findThingStreams(db: SqlQueryable, thingId: string): Promise<ThingStreams | undefined> {
  const { rows } = await db.query<{ key: string | null; id: number | null; disabled: boolean }>(
    `SELECT d.key, d.id, t.disabled_at IS NOT NULL AS disabled
     FROM thing t LEFT JOIN datastream d ON d.thing_id = t.id WHERE t.id = $1`,
    [thingId],
  );
  const first = rows[0];
  if (!first) return undefined;
  const datastreamIds = new Map<string, number>();
  for (const row of rows) if (row.key !== null && row.id !== null) datastreamIds.set(row.key, row.id);
  return { thingId, disabled: first.disabled, datastreamIds };
}

/**
 * The statement that marks devices seen and accepted now with no current error; `ids` is the
 * placeholder of their text[] ids (ingest's storeReadings runs it inside its own statement).
 */
export const thingsAcceptedUpdate = (ids: string) =>
  `UPDATE thing SET last_seen_at = GREATEST(last_seen_at, now()),
                    last_accepted_at = GREATEST(last_accepted_at, now()), last_error = NULL
   WHERE id = ANY(${ids})`;

/** Records that a device sent a message that was refused, with what was wrong. */
export async function markThingRejected(db: SqlQueryable, thingId: string, error: string): Promise<void> {
  await db.query(
    `UPDATE thing SET last_seen_at = GREATEST(last_seen_at, now()), last_error = $2 WHERE id = $1`,
    [thingId, error],
  );
}

/**
 * Records a device's online/offline status from its retained status topic. The time changes only
 * when the status does, so a redelivered or re-retained status keeps when the device changed.
 */
export async function markThingConnection(
  db: SqlQueryable,
  thingId: string,
  status: DeviceStatus,
): Promise<void> {
  await db.query(
    `UPDATE thing SET connection = $2, connection_at = now()
     WHERE id = $1 AND connection IS DISTINCT FROM $2`,
    [thingId, status],
  );
}
