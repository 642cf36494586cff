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
