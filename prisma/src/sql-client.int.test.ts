import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ seedSample: false });
});

afterAll(async () => {
  await db?.drop();
});

describe('LISTEN on a PostgreSQL server', () => {
  it('listens again after its connection is killed, so live subscriptions do not go quiet', async () => {
    const received: string[] = [];
    let onMessage: () => void = () => {};
    await db.database.sql.listen('bisa_test_channel', (payload) => {
      received.push(payload);
      onMessage();
    });
    const killed = await db.database.sql.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    expect(killed.rows.map((r) => r.killed)).toEqual([true]);

    // Notify until the re-established listener hears one; each attempt waits for a message or 250 ms.
    for (let attempt = 0; attempt < 40 && received.length === 0; attempt++) {
      await db.database.sql.query("SELECT pg_notify('bisa_test_channel', $1)", [`attempt ${attempt}`]);
      await new Promise<void>((resolve) => {
        onMessage = resolve;
        setTimeout(resolve, 250);
      });
    }
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]).toMatch(/^attempt \d+$/);
  });
});
