// Every prisma CLI command first tries to download a native schema engine from a host this
// network cannot reach; pointing the variable at any executable skips that check, and
// generate/validate/format do not need the engine. Migrations are applied by src/migrate.ts.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
});
