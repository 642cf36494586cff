import type { Agency, Dimension } from '@bisa/db/generated/prisma/client.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';

export interface DimensionWithCoordinator extends Dimension {
  coordinatorAgency: Agency;
}

interface DimensionRow extends Dimension {
  agencyAcronym: string;
  agencyNameId: string;
  agencyNameEn: string;
}

/**
 * The six dimensions in the masterplan order with their coordinating agency, exactly as
 * `prisma.dimension.findMany({ include: { coordinatorAgency: true }, orderBy: { sortOrder: 'asc' } })`
 * returns them (dimensions.int.test.ts holds the two side by side), in one statement where
 * Prisma sends two and plans each in JavaScript. The wallboard and every dashboard header ask
 * this on each load: it is the gateway's most frequent read. So it is a named statement (planned
 * once per connection: that halved PostgreSQL's CPU per call), and the agency comes back as
 * plain columns rather than JSON that PostgreSQL would build and Node parse for every row
 * (docs/benchmarks.md).
 */
export async function listDimensionsWithCoordinator(sql: SqlQueryable): Promise<DimensionWithCoordinator[]> {
  const { rows } = await sql.query<DimensionRow>(
    `SELECT d.id, d.name_id AS "nameId", d.name_en AS "nameEn", d.sort_order AS "sortOrder",
            d.coordinator_agency_id AS "coordinatorAgencyId",
            a.acronym AS "agencyAcronym", a.name_id AS "agencyNameId", a.name_en AS "agencyNameEn"
       FROM dimension d
       JOIN agency a ON a.id = d.coordinator_agency_id
      ORDER BY d.sort_order`,
    [],
    { name: 'gateway-dimensions-with-coordinator' },
  );
  return rows.map((row) => ({
    id: row.id,
    nameId: row.nameId,
    nameEn: row.nameEn,
    sortOrder: row.sortOrder,
    coordinatorAgencyId: row.coordinatorAgencyId,
    coordinatorAgency: {
      id: row.coordinatorAgencyId,
      acronym: row.agencyAcronym,
      nameId: row.agencyNameId,
      nameEn: row.agencyNameEn,
    },
  }));
}
