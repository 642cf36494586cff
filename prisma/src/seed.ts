import type { Database } from './database.ts';
import { hashDeviceSecret } from './device-credentials.ts';
import { AGENCIES, DIMENSIONS, OBSERVED_PROPERTIES } from './reference-data.ts';
import { SAMPLE_LOCATIONS, SAMPLE_PROGRAMMES, SAMPLE_THINGS, sampleDeviceSecret } from './sample-data.ts';

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
    for (const p of OBSERVED_PROPERTIES) {
      await tx.query(
        `INSERT INTO observed_property (id, name_id, name_en) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET name_id = $2, name_en = $3`,
        [p.id, p.nameId, p.nameEn],
      );
    }
  });
}

/**
 * Inserts the sample quick wins, sites, devices and datastreams (marked is_sample) once.
 * Existing rows are left alone so that an operator's edits, and device credentials, survive restarts.
 */
export async function seedSampleData(database: Database): Promise<void> {
  const hashes = new Map<string, string>();
  for (const thing of SAMPLE_THINGS)
    hashes.set(thing.id, await hashDeviceSecret(sampleDeviceSecret(thing.id)));
  await database.sql.transaction(async (tx) => {
    for (const p of SAMPLE_PROGRAMMES) {
      // Quick wins are evaluated one year after they start.
      await tx.query(
        `INSERT INTO programme (id, kind, dimension_id, owner_agency_id, name_id, name_en, description_id, description_en,
                                start_date, evaluation_date, is_sample)
         VALUES ($1, $2::programme_kind, $3, $4, $5, $6, $7, $8, $9::date, ($9::date + INTERVAL '1 year')::date, true)
         ON CONFLICT (id) DO NOTHING`,
        [
          p.id,
          p.kind,
          p.dimensionId,
          p.ownerAgencyId,
          p.nameId,
          p.nameEn,
          p.descriptionId,
          p.descriptionEn,
          p.startDate,
        ],
      );
    }
    for (const l of SAMPLE_LOCATIONS) {
      await tx.query(
        `INSERT INTO location (id, name, latitude, longitude) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
        [l.id, l.name, l.latitude, l.longitude],
      );
    }
    for (const t of SAMPLE_THINGS) {
      await tx.query(
        `INSERT INTO thing (id, name, programme_id, location_id, credential_hash, is_sample)
         VALUES ($1, $2, $3, $4, $5, true) ON CONFLICT (id) DO NOTHING`,
        [t.id, t.name, t.programmeId, t.locationId, hashes.get(t.id)],
      );
      for (const d of t.datastreams) {
        await tx.query(
          `INSERT INTO datastream (thing_id, key, observed_property_id, unit, expected_interval_seconds)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (thing_id, key) DO NOTHING`,
          [t.id, d.key, d.observedPropertyId, d.unit, d.expectedIntervalSeconds],
        );
      }
    }
  });
}
