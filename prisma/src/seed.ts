import { randomBytes } from 'node:crypto';
import type { Database } from './database.ts';
import {
  AGENCIES,
  DEFAULT_ALERT_CADENCES,
  DEFAULT_EVALUATION_SCHEME,
  DIMENSIONS,
  OBSERVED_PROPERTIES,
  SUB_DIMENSIONS,
} from './reference-data.ts';
import {
  SAMPLE_ALERT_RULES,
  SAMPLE_DEVICE_OWNERS,
  SAMPLE_KIOSK,
  SAMPLE_KPIS,
  SAMPLE_LOCATIONS,
  SAMPLE_PARTNERS,
  SAMPLE_PROGRAMME_PARTNERS,
  SAMPLE_PROGRAMMES,
  SAMPLE_REPORTS,
  SAMPLE_THINGS,
  SAMPLE_USERS,
  sampleDeviceSecret,
  sampleUserPassword,
} from './sample-data.ts';
import { hashSecret, tokenHash } from './secret-hash.ts';
import type { SqlQueryable } from './sql-client.ts';

/** Inserts the masterplan's dimensions, coordinating agencies and observed properties; idempotent. */
export async function seedReferenceData(database: Database): Promise<void> {
  await database.sql.transaction(async (tx) => {
    for (const a of AGENCIES) {
      await tx.query(
        `INSERT INTO agency (id, acronym, name_id, name_en) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET acronym = $2, name_id = $3, name_en = $4`,
        [a.id, a.acronym, a.nameId, a.nameEn],
      );
    }
    for (const [index, d] of DIMENSIONS.entries()) {
      await tx.query(
        `INSERT INTO dimension (id, name_id, name_en, sort_order, coordinator_agency_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET name_id = $2, name_en = $3, sort_order = $4, coordinator_agency_id = $5`,
        [d.id, d.nameId, d.nameEn, index + 1, d.coordinatorAgencyId],
      );
    }
    for (const [index, sub] of SUB_DIMENSIONS.entries()) {
      await tx.query(
        `INSERT INTO sub_dimension (id, dimension_id, name_id, name_en, sort_order) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET dimension_id = $2, name_id = $3, name_en = $4, sort_order = $5`,
        [sub.id, sub.dimensionId, sub.nameId, sub.nameEn, index + 1],
      );
    }
    // Inserted once: an operator's changes to the weights are the point of keeping them as data.
    const scheme = DEFAULT_EVALUATION_SCHEME;
    const created = await tx.query(
      `INSERT INTO evaluation_scheme (id, name_id, name_en, is_default, on_track_ratio, at_risk_ratio)
       VALUES ($1, $2, $3, NOT EXISTS (SELECT 1 FROM evaluation_scheme WHERE is_default), $4, $5)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [scheme.id, scheme.nameId, scheme.nameEn, scheme.onTrackRatio, scheme.atRiskRatio],
    );
    if (created.rows.length > 0) {
      for (const [component, weight] of Object.entries(scheme.weights)) {
        await tx.query(
          `INSERT INTO evaluation_weight (scheme_id, component, weight) VALUES ($1, $2::evaluation_component, $3)`,
          [scheme.id, component, weight],
        );
      }
    }
    for (const p of OBSERVED_PROPERTIES) {
      await tx.query(
        `INSERT INTO observed_property (id, name_id, name_en) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET name_id = $2, name_en = $3`,
        [p.id, p.nameId, p.nameEn],
      );
    }
    // Inserted once, like the weights: the cadence is the operators' to change.
    for (const c of DEFAULT_ALERT_CADENCES) {
      await tx.query(
        `INSERT INTO alert_cadence (level, repeat_seconds, repeat_until_acknowledged) VALUES ($1, $2, $3)
         ON CONFLICT (level) DO NOTHING`,
        [c.level, c.repeatSeconds, c.repeatUntilAcknowledged],
      );
    }
  });
}

/**
 * Inserts the sample quick wins, sites, devices and datastreams (marked is_sample) once.
 * Existing rows are left alone so that an operator's edits, and device credentials, survive restarts.
 */
export async function seedSampleData(database: Database): Promise<void> {
  // scrypt costs tens of milliseconds per secret, so only accounts and devices that are still
  // missing get a hash; one created meanwhile by someone else is kept by ON CONFLICT DO NOTHING.
  const missing = await missingSampleCredentials(database.sql);
  const hashes = new Map<string, string>();
  const passwordHashes = new Map<string, string>();
  for (const email of missing.userEmails) {
    const password =
      email === SAMPLE_KIOSK.email ? randomBytes(32).toString('base64url') : sampleUserPassword(email);
    passwordHashes.set(email, await hashSecret(password));
  }
  for (const id of missing.thingIds) hashes.set(id, await hashSecret(sampleDeviceSecret(id)));
  await database.sql.transaction(async (tx) => {
    for (const p of SAMPLE_PROGRAMMES) {
      // Quick wins are evaluated one year after they start.
      await tx.query(
        `INSERT INTO programme (id, kind, dimension_id, sub_dimension_id, owner_agency_id, name_id, name_en,
                                description_id, description_en, status, start_date, evaluation_date, is_sample)
         VALUES ($1, $2::programme_kind, $3, $4, $5, $6, $7, $8, $9, $10::programme_status, $11::date,
                 ($11::date + INTERVAL '1 year')::date, true)
         ON CONFLICT (id) DO NOTHING`,
        [
          p.id,
          p.kind,
          p.dimensionId,
          p.subDimensionId,
          p.ownerAgencyId,
          p.nameId,
          p.nameEn,
          p.descriptionId,
          p.descriptionEn,
          p.status,
          p.startDate,
        ],
      );
    }
    for (const partner of SAMPLE_PARTNERS) {
      await tx.query(
        `INSERT INTO partner (id, kind, name, is_sample) VALUES ($1, $2::partner_kind, $3, true)
         ON CONFLICT (id) DO NOTHING`,
        [partner.id, partner.kind, partner.name],
      );
    }
    for (const role of SAMPLE_PROGRAMME_PARTNERS) {
      await tx.query(
        `INSERT INTO programme_partner (programme_id, partner_id, role_id, role_en) VALUES ($1, $2, $3, $4)
         ON CONFLICT (programme_id, partner_id) DO NOTHING`,
        [role.programmeId, role.partnerId, role.roleId, role.roleEn],
      );
    }
    for (const l of SAMPLE_LOCATIONS) {
      await tx.query(
        `INSERT INTO location (id, name, latitude, longitude) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
        [l.id, l.name, l.latitude, l.longitude],
      );
    }
    for (const t of SAMPLE_THINGS) {
      const credentialHash = hashes.get(t.id);
      if (credentialHash !== undefined) {
        await tx.query(
          `INSERT INTO thing (id, name, programme_id, location_id, credential_hash, is_sample)
           VALUES ($1, $2, $3, $4, $5, true) ON CONFLICT (id) DO NOTHING`,
          [t.id, t.name, t.programmeId, t.locationId, credentialHash],
        );
      }
      for (const d of t.datastreams) {
        await tx.query(
          `INSERT INTO datastream (thing_id, key, observed_property_id, unit, expected_interval_seconds)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (thing_id, key) DO NOTHING`,
          [t.id, d.key, d.observedPropertyId, d.unit, d.expectedIntervalSeconds],
        );
      }
    }
    await seedSampleKpis(tx);
    // By name, once: an operator may retune or disable a sample rule; a restart must not undo it.
    for (const r of SAMPLE_ALERT_RULES) {
      await tx.query(
        `INSERT INTO alert_rule (name, kind, direction, programme_id, observed_property_id, levels, window_seconds,
                                 pending_seconds, is_sample)
         SELECT $1, $2::alert_rule_kind, $8::alert_direction, $3, $4, $5::jsonb, $6, $7, true
         WHERE NOT EXISTS (SELECT 1 FROM alert_rule WHERE is_sample AND name = $1)`,
        [
          r.name,
          r.kind,
          r.programmeId,
          r.observedPropertyId,
          JSON.stringify(r.levels),
          r.windowSeconds,
          r.pendingSeconds,
          r.direction,
        ],
      );
    }
    for (const user of SAMPLE_USERS) {
      const passwordHash = passwordHashes.get(user.email);
      if (passwordHash === undefined) continue;
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO app_user (email, name, role, agency_id, password_hash, is_sample)
         VALUES ($1, $2, $3::role, $4, $5, true) ON CONFLICT (email) DO NOTHING RETURNING id`,
        [user.email, user.name, user.role, user.agencyId, passwordHash],
      );
      // Only when the account is new (also in a hub whose devices were seeded before owners
      // existed); later an administrator's change of owner survives restarts.
      const created = rows[0];
      const owned: readonly string[] =
        SAMPLE_DEVICE_OWNERS[user.email as keyof typeof SAMPLE_DEVICE_OWNERS] ?? [];
      if (created && owned.length > 0) {
        await tx.query(
          'UPDATE thing SET owner_user_id = $1 WHERE id = ANY($2::text[]) AND owner_user_id IS NULL',
          [created.id, owned],
        );
      }
    }
    const kioskPasswordHash = passwordHashes.get(SAMPLE_KIOSK.email);
    if (kioskPasswordHash !== undefined) {
      await tx.query(
        `INSERT INTO app_user (email, name, role, password_hash, is_sample)
         VALUES ($1, $2, 'VIEWER'::role, $3, true) ON CONFLICT (email) DO NOTHING`,
        [SAMPLE_KIOSK.email, SAMPLE_KIOSK.name, kioskPasswordHash],
      );
    }
    await tx.query(
      `INSERT INTO api_key (user_id, name, prefix, key_hash, scope)
       SELECT id, $2, $3, $4, 'read' FROM app_user WHERE email = $1
       ON CONFLICT (key_hash) DO NOTHING`,
      [SAMPLE_KIOSK.email, SAMPLE_KIOSK.keyName, SAMPLE_KIOSK.key.slice(0, 12), tokenHash(SAMPLE_KIOSK.key)],
    );
  });
}

/** The sample accounts (the kiosk's included) and devices not in the database yet. */
export async function missingSampleCredentials(
  sql: SqlQueryable,
): Promise<{ userEmails: string[]; thingIds: string[] }> {
  const emails = [...SAMPLE_USERS.map((user) => user.email), SAMPLE_KIOSK.email];
  const thingIds = SAMPLE_THINGS.map((thing) => thing.id);
  const { rows: users } = await sql.query<{ email: string }>(
    'SELECT email FROM app_user WHERE email = ANY($1::text[])',
    [emails],
  );
  const { rows: things } = await sql.query<{ id: string }>(
    'SELECT id FROM thing WHERE id = ANY($1::text[])',
    [thingIds],
  );
  const existingEmails = new Set(users.map((row) => row.email));
  const existingThings = new Set(things.map((row) => row.id));
  return {
    userEmails: emails.filter((email) => !existingEmails.has(email)),
    thingIds: thingIds.filter((id) => !existingThings.has(id)),
  };
}

/**
 * Sample KPIs measure the current evaluation year (the calendar year of the first start), so the
 * telemetry the simulator sends counts towards them. Reports are added with a KPI, never again,
 * so a restart does not duplicate them.
 */
async function seedSampleKpis(tx: SqlQueryable): Promise<void> {
  for (const kpi of SAMPLE_KPIS) {
    const computed = kpi.source === 'COMPUTED' ? kpi : undefined;
    const created = await tx.query(
      `INSERT INTO kpi (id, programme_id, name_id, name_en, unit, direction, baseline, target, component,
                        period_start, period_end, source, datastream_id, aggregation, is_sample)
       VALUES ($1, $2, $3, $4, $5, $6::kpi_direction, $7, $8, $9::evaluation_component,
               date_trunc('year', now())::date, (date_trunc('year', now()) + INTERVAL '1 year')::date,
               $10::kpi_source, (SELECT id FROM datastream WHERE thing_id = $11 AND key = $12),
               $13::kpi_aggregation, true)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        kpi.id,
        kpi.programmeId,
        kpi.nameId,
        kpi.nameEn,
        kpi.unit,
        kpi.direction,
        kpi.baseline,
        kpi.target,
        kpi.component,
        kpi.source,
        computed?.thingId ?? null,
        computed?.datastreamKey ?? null,
        computed?.aggregation ?? null,
      ],
    );
    if (created.rows.length === 0) continue;
    for (const report of SAMPLE_REPORTS.filter((r) => r.kpiId === kpi.id)) {
      const reviewed = report.status !== 'SUBMITTED';
      await tx.query(
        `INSERT INTO progress_report (kpi_id, value, observed_on, note, reporter, status, reviewer, reviewed_at,
                                      rejection_reason)
         VALUES ($1, $2, (SELECT period_start FROM kpi WHERE id = $1) + $3::int, $4, $5, $6::report_status, $7,
                 CASE WHEN $8 THEN now() END, $9)`,
        [
          kpi.id,
          report.value,
          report.day,
          report.note,
          'Petugas OPD (contoh)',
          report.status,
          reviewed ? 'Bappelitbangda (contoh)' : null,
          reviewed,
          report.status === 'REJECTED' ? 'Angka mencakup desa di luar Luwu Utara' : null,
        ],
      );
    }
  }
}
