import type { SqlQueryable, SqlTransaction } from '@bisa/db/sql-client.ts';

export interface NewDevice {
  id: string;
  name: string;
  programmeId: string;
  locationId: string;
  credentialHash: string;
  /** The INTEGRATOR account that looks after it; none: the control room alone. */
  ownerUserId?: string | null;
  datastreams: readonly { key: string; observedPropertyId: string; unit: string }[];
}

export interface DeviceRow {
  id: string;
  name: string;
  programme_id: string;
  has_credential: boolean;
  disabled_at: Date | null;
  last_accepted_at: Date | null;
  last_error: string | null;
  connection: string | null;
  datastreams: string | null;
  owner_email: string | null;
}

/** Registers a device and its datastreams in the caller's transaction. */
export async function insertDevice(tx: SqlTransaction, device: NewDevice): Promise<void> {
  await tx.query(
    `INSERT INTO thing (id, name, programme_id, location_id, credential_hash, owner_user_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      device.id,
      device.name,
      device.programmeId,
      device.locationId,
      device.credentialHash,
      device.ownerUserId ?? null,
    ],
  );
  for (const d of device.datastreams) {
    await tx.query(
      `INSERT INTO datastream (thing_id, key, observed_property_id, unit) VALUES ($1, $2, $3, $4)`,
      [device.id, d.key, d.observedPropertyId, d.unit],
    );
  }
}

export async function listDevices(db: SqlQueryable): Promise<DeviceRow[]> {
  const { rows } = await db.query<DeviceRow>(
    `SELECT t.id, t.name, t.programme_id, t.credential_hash IS NOT NULL AS has_credential, t.disabled_at,
            t.last_accepted_at, t.last_error, t.connection,
            string_agg(d.key, ',' ORDER BY d.key) AS datastreams, u.email AS owner_email
     FROM thing t LEFT JOIN datastream d ON d.thing_id = t.id LEFT JOIN app_user u ON u.id = t.owner_user_id
     GROUP BY t.id, u.email ORDER BY t.id`,
  );
  return rows;
}

/** The account with this e-mail address (compared as sign-in does: trimmed, lower case), or undefined. */
export async function findAccountByEmail(
  db: SqlQueryable,
  email: string,
): Promise<{ id: string; role: string } | undefined> {
  const { rows } = await db.query<{ id: string; role: string }>(
    'SELECT id, role::text AS role FROM app_user WHERE email = $1',
    [email.trim().toLowerCase()],
  );
  return rows[0];
}

/** Sets a new credential and re-enables the device; false when there is no such device. */
export async function setDeviceCredential(
  db: SqlQueryable,
  id: string,
  credentialHash: string,
): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE thing SET credential_hash = $2, disabled_at = NULL WHERE id = $1 RETURNING id`,
    [id, credentialHash],
  );
  return rows.length === 1;
}

/** Removes the credential (it can no longer log in) and marks the device disabled; false when unknown. */
export async function disableDevice(db: SqlQueryable, id: string): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE thing SET credential_hash = NULL, disabled_at = COALESCE(disabled_at, now()) WHERE id = $1 RETURNING id`,
    [id],
  );
  return rows.length === 1;
}
