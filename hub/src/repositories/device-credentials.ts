import type { SqlQueryable } from '@bisa/db/sql-client.ts';

/** The stored credential hash of a device, or undefined when the device is unknown or has none. */
export async function findDeviceCredentialHash(
  sql: SqlQueryable,
  deviceId: string,
): Promise<string | undefined> {
  const { rows } = await sql.query<{ credential_hash: string | null }>(
    'SELECT credential_hash FROM thing WHERE id = $1',
    [deviceId],
  );
  return rows[0]?.credential_hash ?? undefined;
}

/**
 * The stored credential hash of each of these devices (null: disabled or without a secret); a
 * device that is no longer registered is missing from the map.
 */
export async function findDeviceCredentialHashes(
  sql: SqlQueryable,
  deviceIds: readonly string[],
): Promise<Map<string, string | null>> {
  const { rows } = await sql.query<{ id: string; credential_hash: string | null }>(
    'SELECT id, credential_hash FROM thing WHERE id = ANY($1::text[])',
    [deviceIds],
  );
  return new Map(rows.map((row) => [row.id, row.credential_hash]));
}
