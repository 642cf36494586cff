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

describe('transactions on a PostgreSQL server', () => {
  it('rejects, instead of crashing the process, when the server drops the connection mid-transaction', async () => {
    const sql = db.database.sql;
    const outcome = sql.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await sql.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      // Gone from the server: its socket is closed while no statement of ours is running.
      for (;;) {
        const alive = await sql.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [rows[0]?.pid]);
        if (alive.rows.length === 0) break;
      }
      await tx.query('SELECT 1');
    });
    await expect(outcome).rejects.toThrow();
    // The pool replaced the broken connection.
    expect((await sql.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('named statements on a PostgreSQL server', () => {
  it('prepares a named statement once per connection and runs it with new parameters each time', async () => {
    const text = 'SELECT $1::int * 2 AS doubled';
    const prepared = await db.database.sql.transaction(async (tx) => {
      const first = await tx.query<{ doubled: number }>(text, [2], { name: 'test-doubled' });
      const second = await tx.query<{ doubled: number }>(text, [21], { name: 'test-doubled' });
      const statements = await tx.query<{ statement: string }>(
        "SELECT statement FROM pg_prepared_statements WHERE name = 'test-doubled'",
      );
      return { values: [...first.rows, ...second.rows].map((r) => r.doubled), statements: statements.rows };
    });
    expect(prepared).toEqual({ values: [4, 42], statements: [{ statement: text }] });
    // Outside a transaction, on whichever pooled connection: prepared there on first use.
    const pooled = await db.database.sql.query<{ doubled: number }>(text, [5], { name: 'test-doubled' });
    expect(pooled.rows).toEqual([{ doubled: 10 }]);
  });
});
