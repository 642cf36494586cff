import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PrismaPg } from '@prisma/adapter-pg';
import * as wasmRuntime from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

// Prisma's schema engine compiled to WebAssembly, driven through a driver adapter. The CLI's
// `migrate` commands need a native engine that cannot be downloaded here; this one can compute a
// diff between a live database and a Prisma schema. Its API is internal to Prisma and changes
// without notice: the version is pinned in the catalog and only `diff` is used.

export interface SchemaDiff {
  /** True when the database already matches the schema. */
  empty: boolean;
  /** Human-readable summary, e.g. "[*] Changed the `thing` table / [+] Added column `x`". */
  summary: string;
  /** The SQL that would turn the database into the schema (Prisma migration format). */
  script: string;
}

type SchemaEngine = wasmRuntime.SchemaEngine;

// The project's lib (es2024, no DOM) and @types/node 24 declare no WebAssembly types; this is the
// part of the global used here (declared only, so the real global is what runs).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
};

let engineClass: Promise<typeof wasmRuntime.SchemaEngine> | undefined;

/**
 * Instantiates the WebAssembly module once per process: wasm-bindgen keeps the instance in module
 * state, so a second instantiation would corrupt the first. Done by hand rather than through the
 * package's entry point, which needs Node's experimental WebAssembly module imports.
 */
function loadEngineClass(): Promise<typeof wasmRuntime.SchemaEngine> {
  engineClass ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(gluePath.replace(/\.js$/, '.wasm'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      './schema_engine_bg.js': wasmRuntime,
    });
    wasmRuntime.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return wasmRuntime.SchemaEngine;
  })();
  return engineClass;
}

interface BindAdapterFactory {
  bindMigrationAwareSqlAdapterFactory(factory: object): object;
}

/**
 * The engine expects the adapter wrapped by @prisma/driver-adapter-utils (errors as values). That
 * package is resolved from @prisma/adapter-pg's own dependencies so both always share one version
 * (the wrapper checks adapter errors by shape) without pinning it a second time in the catalog.
 */
async function loadAdapterUtils(): Promise<BindAdapterFactory> {
  const fromAdapter = createRequire(createRequire(import.meta.url).resolve('@prisma/adapter-pg'));
  const utils: unknown = await import(fromAdapter.resolve('@prisma/driver-adapter-utils'));
  if (
    typeof utils !== 'object' ||
    utils === null ||
    !('bindMigrationAwareSqlAdapterFactory' in utils) ||
    typeof utils.bindMigrationAwareSqlAdapterFactory !== 'function'
  ) {
    throw new Error('@prisma/driver-adapter-utils has no bindMigrationAwareSqlAdapterFactory');
  }
  return utils as BindAdapterFactory;
}

const PG_CHAR_OID = 18;
/** ColumnTypeEnum.Character of @prisma/driver-adapter-utils. */
const COLUMN_TYPE_CHARACTER = 6;
const PG_TEXT_OID = 25;

/**
 * The schema describer reads catalog columns of PostgreSQL's one-byte `"char"` type (e.g.
 * pg_constraint.contype), which @prisma/adapter-pg 7.10 refuses as an unsupported type. pg already
 * returns such values as one-character strings, so announcing them as text is exact. The listener
 * is registered before pg's own, which only attaches on connect.
 */
class CharAsTextClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.connection.on('rowDescription', (message: { fields: { dataTypeID: number }[] }) => {
      for (const field of message.fields) {
        if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
      }
    });
  }
}

/**
 * Host, port, user, password and database are passed one by one, not as a connection string:
 * adapter-pg 7.10 derives its shadow database from these fields, and with a connection string the
 * "shadow" would be the main database (shared/TOOLCHAIN.md). No shadow is used here; this keeps it
 * safe if one ever is.
 */
function poolConfig(url: string): pg.PoolConfig {
  const parsed = new URL(url);
  return {
    host: decodeURIComponent(parsed.hostname),
    port: parsed.port === '' ? 5432 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    max: 2,
    Client: CharAsTextClient,
  };
}

/**
 * Diffs the live database at `databaseUrl` against the Prisma schema (`schemaPath`, `schemaText`):
 * what a migration would have to do to make the database match the schema. Only reads the database.
 */
export async function diffDatabaseToSchema(options: {
  databaseUrl: string;
  schemaPath: string;
  schemaText: string;
}): Promise<SchemaDiff> {
  const [Engine, utils] = await Promise.all([loadEngineClass(), loadAdapterUtils()]);
  const pools: pg.Pool[] = [];
  const factory = new PrismaPg(poolConfig(options.databaseUrl));
  // The engine neither closes the pools it opens nor exposes them: track them through connect().
  const tracked = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const adapter = await factory.connect();
      pools.push(adapter.underlyingDriver() as pg.Pool);
      // Of the `"char"` catalog columns announced as text (CharAsTextClient), the describer reads
      // one back as a character: pg_constraint.contype, selected as constraint_type when the
      // database has CHECK or exclusion constraints. Give that column the adapter's Character type.
      const queryRaw = adapter.queryRaw.bind(adapter);
      adapter.queryRaw = async (query) => {
        const result = await queryRaw(query);
        result.columnNames.forEach((name, index) => {
          if (name === 'constraint_type') result.columnTypes[index] = COLUMN_TYPE_CHARACTER;
        });
        return result;
      };
      return adapter;
    },
    async connectToShadowDb() {
      throw new Error('diffDatabaseToSchema needs no shadow database');
    },
  };
  const files = [{ path: options.schemaPath, content: options.schemaText }];
  let engine: SchemaEngine | undefined;
  try {
    const created = await Engine.new(
      { datamodels: [[options.schemaPath, options.schemaText]] },
      () => {},
      utils.bindMigrationAwareSqlAdapterFactory(tracked),
    );
    engine = created;
    // Called as a method: a detached `created.diff` loses its wasm-bindgen object binding.
    const diff = (script: boolean) =>
      created.diff({
        // The schema's datasource, reached through the adapter, is the database to describe.
        from: { tag: 'schemaDatasource', files, configDir: '.' },
        to: { tag: 'schemaDatamodel', files },
        script,
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      });
    const summary = await diff(false);
    const script = await diff(true);
    return {
      empty: summary.exitCode === 0,
      summary: (summary.stdout ?? '').trim(),
      script: script.stdout ?? '',
    };
  } finally {
    engine?.free();
    await Promise.all(pools.map((pool) => pool.end().catch(() => {})));
  }
}
