import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './schema/index.ts';

export const SCHEMA_FILE = new URL('../schema.graphql', import.meta.url);

export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
