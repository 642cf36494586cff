import { UsageError } from '@bisa/service/command-line.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAccountsCli } from './accounts-cli.ts';
import { execute, signInCookie, startTestGateway, type TestGateway } from './testing.ts';

let hub: TestGateway;

beforeAll(async () => {
  hub = await startTestGateway();
});
afterAll(async () => {
  await hub?.stop();
});

async function run(argv: string[], stdin = ''): Promise<string[]> {
  const lines: string[] = [];
  await runAccountsCli(argv, hub.db.database, {
    out: (line) => lines.push(line),
    readStdin: async () => stdin,
  });
  return lines;
}

/** The generated password follows its heading, indented. */
const passwordOf = (lines: string[]) => lines.at(-1)?.trim() ?? '';

/** The account's audit rows written by the command line (signing in writes rows of its own). */
async function auditActions(email: string): Promise<string[]> {
  const { rows } = await hub.db.database.sql.query<{ action: string; via: string }>(
    `SELECT a.action, a.via FROM audit_event a JOIN app_user u ON u.id::text = a.target_id
      WHERE u.email = $1 AND a.via = 'cli' ORDER BY a.id`,
    [email],
  );
  return rows.map((row) => `${row.via}:${row.action}`);
}

describe('the accounts command line', () => {
  it('creates the first administrator of a database, who can then sign in and act as one', async () => {
    const lines = await run([
      'add',
      'Admin@Luwuutarakab.go.id',
      '--name',
      'Admin Kominfo',
      '--role',
      'admin',
    ]);
    expect(lines[0]).toBe('Added admin@luwuutarakab.go.id (ADMIN).');
    const password = passwordOf(lines);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const cookie = await signInCookie(hub.gateway.yoga, 'admin@luwuutarakab.go.id', password);
    const { data } = await execute<{ viewer: { role: string } }>(
      hub.gateway.yoga,
      '{ viewer { role } }',
      {},
      cookie,
    );
    expect(data?.viewer.role).toBe('ADMIN');
    expect(await auditActions('admin@luwuutarakab.go.id')).toEqual(['cli:accounts.add']);
  });

  it('takes a password from stdin, and a reporter with their agency', async () => {
    const lines = await run(
      [
        'add',
        'pelapor@bpbd.example',
        '--name',
        'Pelapor BPBD',
        '--role',
        'REPORTER',
        '--agency',
        'bpbd',
        '--password-stdin',
      ],
      'a long enough passphrase\n',
    );
    expect(lines).toEqual(['Added pelapor@bpbd.example (REPORTER, agency bpbd).']);
    const cookie = await signInCookie(hub.gateway.yoga, 'pelapor@bpbd.example', 'a long enough passphrase');
    const { data } = await execute<{ viewer: { role: string; agency: { acronym: string } | null } }>(
      hub.gateway.yoga,
      '{ viewer { role agency { acronym } } }',
      {},
      cookie,
    );
    expect(data?.viewer).toEqual({ role: 'REPORTER', agency: { acronym: 'BPBD' } });
    expect((await run(['list'])).find((line) => line.startsWith('pelapor@bpbd.example'))).toBe(
      'pelapor@bpbd.example\tREPORTER\tbpbd\tenabled\t-\tPelapor BPBD',
    );
  });

  it('disables an account: its session stops working at once, and enable lets it sign in again', async () => {
    const added = await run(['add', 'operator@example.id', '--name', 'Operator', '--role', 'OPERATOR']);
    const cookie = await signInCookie(hub.gateway.yoga, 'operator@example.id', passwordOf(added));
    expect(await run(['disable', 'operator@example.id'])).toEqual([
      'Disabled operator@example.id: it can no longer sign in, and its sessions and API keys no longer work.',
    ]);
    const { data } = await execute<{ viewer: unknown }>(hub.gateway.yoga, '{ viewer { role } }', {}, cookie);
    expect(data?.viewer).toBeNull();
    await expect(signInCookie(hub.gateway.yoga, 'operator@example.id', passwordOf(added))).rejects.toThrow();

    await run(['enable', 'operator@example.id']);
    const reset = await run(['set-password', 'operator@example.id']);
    await signInCookie(hub.gateway.yoga, 'operator@example.id', passwordOf(reset));
    await expect(signInCookie(hub.gateway.yoga, 'operator@example.id', passwordOf(added))).rejects.toThrow();
    expect(await auditActions('operator@example.id')).toEqual([
      'cli:accounts.add',
      'cli:accounts.disable',
      'cli:accounts.enable',
      'cli:accounts.setPassword',
    ]);
  });

  it('refuses what would make a wrong account, naming every problem', async () => {
    await expect(run(['add', 'someone@example.id', '--role', 'BOSS', '--agency', 'nowhere'])).rejects.toThrow(
      /--name is required; --role must be one of VIEWER, OPERATOR, REPORTER, ADMIN, INTEGRATOR \(got "BOSS"\); --agency: no agency "nowhere"/,
    );
    await expect(run(['add', 'r@example.id', '--name', 'R', '--role', 'REPORTER'])).rejects.toThrow(
      'a REPORTER needs --agency <agency id>',
    );
    await expect(
      run(['add', 'v@example.id', '--name', 'V', '--role', 'VIEWER', '--agency', 'bpbd']),
    ).rejects.toThrow('only a REPORTER has an agency, not VIEWER');
    await expect(
      run(['add', 'admin@luwuutarakab.go.id', '--name', 'Again', '--role', 'ADMIN']),
    ).rejects.toThrow('an account admin@luwuutarakab.go.id already exists');
    await expect(run(['add', 'not-an-address', '--name', 'X', '--role', 'ADMIN'])).rejects.toThrow(
      UsageError,
    );
    await expect(
      run(['add', 'short@example.id', '--name', 'S', '--role', 'VIEWER', '--password-stdin'], 'short\n'),
    ).rejects.toThrow('the password on stdin has 5 characters; give at least 12');
    await expect(run(['disable', 'nobody@example.id'])).rejects.toThrow('no account nobody@example.id');
    expect((await run(['list'])).some((line) => line.startsWith('someone@example.id'))).toBe(false);
  });
});
