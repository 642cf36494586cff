import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDimensionsWithCoordinator } from './dimensions.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe('dimensions repository', () => {
  it('returns what Prisma returns for the same read, column for column', async () => {
    const prisma = db.database.createPrisma();
    try {
      const viaPrisma = await prisma.dimension.findMany({
        include: { coordinatorAgency: true },
        orderBy: { sortOrder: 'asc' },
      });
      expect(viaPrisma).toHaveLength(6);
      expect(await listDimensionsWithCoordinator(db.database.sql)).toStrictEqual(viaPrisma);
    } finally {
      await prisma.$disconnect();
    }
  });
});
