import type { Agency, Dimension } from '@bisa/db/generated/prisma/client.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';

export interface DimensionWithCoordinator extends Dimension {
  coordinatorAgency: Agency;
}

/**
 * The six dimensions in the masterplan order with their coordinating agency, exactly as
 * `prisma.dimension.findMany({ include: { coordinatorAgency: true }, orderBy: { sortOrder: 'asc' } })`
 * returns them (dimensions.int.test.ts holds the two side by side), in one statement where
 * Prisma sends two and plans each in JavaScript. The wallboard and every dashboard header ask
 * this on each load: it is the gateway's most frequent read.
 */
export async function listDimensionsWithCoordinator(sql: SqlQueryable): Promise<DimensionWithCoordinator[]> {
  const { rows } = await sql.query<DimensionWithCoordinator>(
    `SELECT d.id, d.name_id AS "nameId", d.name_en AS "nameEn", d.sort_order AS "sortOrder",
            d.coordinator_agency_id AS "coordinatorAgencyId",
            json_build_object('id', a.id, 'acronym', a.acronym, 'nameId', a.name_id, 'nameEn', a.name_en)
              AS "coordinatorAgency"
       FROM dimension d
       JOIN agency a ON a.id = d.coordinator_agency_id
      ORDER BY d.sort_order`,
  );
  return rows;
}
