import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';

/**
 * The shared repository functions of `@bisa/db` (e.g. alerts.ts) over a Prisma interactive
 * transaction: their SQL then commits or rolls back together with the Prisma writes of the same
 * mutation, such as its audit row. Parameters stay parameters ($1, $2...): `$queryRawUnsafe` is
 * needed only because the text arrives as a string rather than a tagged template, and it is
 * always a repository's constant SQL, never built from input.
 */
export function sqlOf(tx: Prisma.TransactionClient): SqlQueryable {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return { rows: await tx.$queryRawUnsafe<Row[]>(text, ...params) };
    },
  };
}
