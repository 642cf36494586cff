import type { SqlQueryable } from '@bisa/db/sql-client.ts';
import type { GatewayYoga } from './yoga.ts';

/** Test helper: one GraphQL request through `yoga.fetch`, no port. */
export async function execute<T>(
  yoga: GatewayYoga,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const response = await yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

/** Test fixture: stores readings the way ingest does (reading rows plus latest_reading). */
export async function insertReadings(
  sql: SqlQueryable,
  datastreamId: number,
  readings: readonly { time: string; value: number }[],
): Promise<void> {
  for (const { time, value } of readings) {
    await sql.query('INSERT INTO reading (datastream_id, time, value) VALUES ($1, $2, $3)', [
      datastreamId,
      time,
      value,
    ]);
    await sql.query(
      `INSERT INTO latest_reading (datastream_id, time, value) VALUES ($1, $2, $3)
       ON CONFLICT (datastream_id) DO UPDATE SET time = EXCLUDED.time, value = EXCLUDED.value
       WHERE latest_reading.time < EXCLUDED.time`,
      [datastreamId, time, value],
    );
  }
}

export async function datastreamIdOf(sql: SqlQueryable, thingId: string, key: string): Promise<number> {
  const { rows } = await sql.query<{ id: number }>(
    'SELECT id FROM datastream WHERE thing_id = $1 AND key = $2',
    [thingId, key],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`no datastream ${thingId}/${key} in the sample data`);
  return id;
}
