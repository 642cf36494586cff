import type { SqlQueryable } from '@bisa/db/sql-client.ts';

export type KpiAggregation = 'AVG' | 'MIN' | 'MAX' | 'SUM' | 'COUNT' | 'LAST';

export interface ComputedKpiWindow {
  kpiId: string;
  datastreamId: number;
  from: Date;
  to: Date;
  aggregation: KpiAggregation;
}

/**
 * Actual values of computed KPIs: each datastream's readings in its window, combined as the KPI
 * declares, for many KPIs in one query. A KPI without readings gets null (0 for COUNT).
 */
export async function readComputedActuals(
  sql: SqlQueryable,
  windows: readonly ComputedKpiWindow[],
): Promise<Map<string, number | null>> {
  if (windows.length === 0) return new Map();
  const { rows } = await sql.query<{ kpi_id: string; actual: number | null }>(
    `SELECT k.kpi_id,
            CASE k.aggregation
              WHEN 'AVG' THEN avg(r.value)
              WHEN 'MIN' THEN min(r.value)
              WHEN 'MAX' THEN max(r.value)
              WHEN 'SUM' THEN sum(r.value)
              WHEN 'COUNT' THEN count(r.value)::double precision
              WHEN 'LAST' THEN (array_agg(r.value ORDER BY r.time DESC))[1]
            END AS actual
       FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::timestamptz[], $5::text[])
            AS k(kpi_id, datastream_id, from_time, to_time, aggregation)
       LEFT JOIN reading r ON r.datastream_id = k.datastream_id AND r.time >= k.from_time AND r.time < k.to_time
      GROUP BY k.kpi_id, k.aggregation`,
    [
      windows.map((w) => w.kpiId),
      windows.map((w) => w.datastreamId),
      windows.map((w) => w.from),
      windows.map((w) => w.to),
      windows.map((w) => w.aggregation),
    ],
  );
  return new Map(rows.map((row) => [row.kpi_id, row.actual]));
}

/**
 * Actual values of reported KPIs: the newest approved report whose day lies in the KPI's window
 * and not after `asOf` (as a calendar day in Luwu Utara, WITA). Submitted and rejected reports
 * never count.
 */
export async function readReportedActuals(
  sql: SqlQueryable,
  kpiIds: readonly string[],
  asOf: Date,
): Promise<Map<string, number>> {
  if (kpiIds.length === 0) return new Map();
  const { rows } = await sql.query<{ kpi_id: string; value: number }>(
    `SELECT DISTINCT ON (r.kpi_id) r.kpi_id, r.value
       FROM progress_report r
       JOIN kpi k ON k.id = r.kpi_id
      WHERE r.kpi_id = ANY($1::text[])
        AND r.status = 'APPROVED'
        AND r.observed_on >= k.period_start AND r.observed_on < k.period_end
        AND r.observed_on <= ($2::timestamptz AT TIME ZONE 'Asia/Makassar')::date
      ORDER BY r.kpi_id, r.observed_on DESC, r.submitted_at DESC`,
    [kpiIds, asOf],
  );
  return new Map(rows.map((row) => [row.kpi_id, row.value]));
}
