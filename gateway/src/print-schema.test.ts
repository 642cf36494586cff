import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printSortedSchema, SCHEMA_FILE } from './print-schema.ts';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run `pnpm --filter @bisa/gateway generate` after an intended change)', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    expect(printSortedSchema()).toBe(committed);
  });
});
