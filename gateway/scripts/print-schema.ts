// Writes the committed gateway/schema.graphql (sorted, so diffs show real changes only).
// The dashboard and outside developers read the API from that file.
import { writeFile } from 'node:fs/promises';
import { printSortedSchema, SCHEMA_FILE } from '../src/print-schema.ts';

await writeFile(SCHEMA_FILE, printSortedSchema());
console.log(`wrote ${SCHEMA_FILE.pathname}`);
