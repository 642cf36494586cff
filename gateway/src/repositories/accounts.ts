import type { SqlQueryable } from '@bisa/db/sql-client.ts';

export const ROLES = ['VIEWER', 'OPERATOR', 'REPORTER', 'ADMIN', 'INTEGRATOR'] as const;
export type AccountRole = (typeof ROLES)[number];

export interface AccountRow {
  email: string;
  name: string;
  role: AccountRole;
  agency_id: string | null;
  is_sample: boolean;
  disabled_at: Date | null;
}

export async function agencyExists(db: SqlQueryable, agencyId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM agency WHERE id = $1', [agencyId]);
  return rows.length > 0;
}

export async function accountExists(db: SqlQueryable, email: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM app_user WHERE email = $1', [email]);
  return rows.length > 0;
}

export async function insertAccount(
  db: SqlQueryable,
  account: { email: string; name: string; role: AccountRole; agencyId: string | null; passwordHash: string },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO app_user (email, name, role, agency_id, password_hash)
     VALUES ($1, $2, $3::role, $4, $5) RETURNING id`,
    [account.email, account.name, account.role, account.agencyId, account.passwordHash],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error(`the account ${account.email} was not stored`);
  return id;
}

export async function listAccounts(db: SqlQueryable): Promise<AccountRow[]> {
  const { rows } = await db.query<AccountRow>(
    `SELECT email, name, role, agency_id, is_sample, disabled_at
       FROM app_user ORDER BY role, email`,
  );
  return rows;
}

/** Sets a new password hash; the account's id, or null when there is no such account. */
export async function setAccountPassword(
  db: SqlQueryable,
  email: string,
  passwordHash: string,
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    'UPDATE app_user SET password_hash = $2 WHERE email = $1 RETURNING id',
    [email, passwordHash],
  );
  return rows[0]?.id ?? null;
}

/**
 * Disables (or enables again) an account. The gateway refuses a disabled account's sessions and
 * API keys on their next request (auth/viewer.ts), so nothing else needs revoking.
 */
export async function setAccountDisabled(
  db: SqlQueryable,
  email: string,
  disabled: boolean,
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE app_user SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END
      WHERE email = $1 RETURNING id`,
    [email, disabled],
  );
  return rows[0]?.id ?? null;
}

/**
 * The audit row of an account change made from the command line: it has no signed-in actor, so
 * it is written `via` "cli", in the transaction of the change (as a mutation's row is).
 */
export async function recordCliAudit(
  db: SqlQueryable,
  entry: { action: string; targetId: string; detail: Record<string, unknown> },
): Promise<void> {
  await db.query(
    `INSERT INTO audit_event (via, action, outcome, target_id, detail) VALUES ('cli', $1, 'ok', $2, $3::jsonb)`,
    [entry.action, entry.targetId, JSON.stringify(entry.detail)],
  );
}
