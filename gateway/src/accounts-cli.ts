import { parseArgs } from 'node:util';
import type { Database } from '@bisa/db/database.ts';
import { hashSecret, newSecret } from '@bisa/db/secret-hash.ts';
import type { SqlTransaction } from '@bisa/db/sql-client.ts';
import { type CommandLineIo, UsageError } from '@bisa/service/command-line.ts';
import {
  type AccountRole,
  accountExists,
  agencyExists,
  insertAccount,
  listAccounts,
  ROLES,
  recordCliAudit,
  setAccountDisabled,
  setAccountPassword,
} from './repositories/accounts.ts';

export const ACCOUNTS_HELP = `Usage: node gateway/src/accounts.ts <command> [options]   (DATABASE_URL must be set)

The people who sign in to the dashboard and the API. The embedded hub seeds sample accounts;
a production database starts with none, so create the first ADMIN here.

Commands:
  add <e-mail> --name <name> --role <role> [--agency <agency id>] [--password-stdin]
        Creates an account. Roles: ${ROLES.join(', ')}. A REPORTER needs --agency (the OPD
        whose programmes they report on); no other role takes one. Without --password-stdin a
        password is generated and printed ONCE; only a scrypt hash is stored.
  list  Lists accounts: e-mail, role, agency, state (enabled/disabled), sample or not, name.
  set-password <e-mail> [--password-stdin]
        Gives the account a new password (generated and printed once, or read from stdin).
  disable <e-mail>
        The account can no longer sign in; its sessions and API keys stop working at once.
  enable <e-mail>
        Lets a disabled account sign in again.

Every change writes a row to the audit trail (via "cli").

Options:
  --password-stdin   Read the password from stdin (at least 12 characters) instead of
                     generating one, e.g.  printf '%s' "$PASSWORD" | node gateway/src/accounts.ts ...
`;

const MIN_PASSWORD_LENGTH = 12;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Runs one command; throws UsageError (exit 2) for bad arguments or an account that is not there. */
export async function runAccountsCli(
  argv: readonly string[],
  database: Database,
  io: CommandLineIo,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      agency: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
  });
  const [command, emailArgument] = positionals;
  const email = () => {
    const value = emailArgument?.trim().toLowerCase();
    if (!value || !EMAIL_PATTERN.test(value)) {
      throw new UsageError(`"${emailArgument ?? ''}" is not an e-mail address; give the account's e-mail`);
    }
    return value;
  };

  switch (command) {
    case 'add': {
      const address = email();
      const { name, agency } = values;
      const role = values.role?.toUpperCase();
      const problems: string[] = [];
      if (!name?.trim()) problems.push('--name is required');
      const knownRole = role !== undefined && (ROLES as readonly string[]).includes(role);
      if (!knownRole) problems.push(`--role must be one of ${ROLES.join(', ')} (got "${values.role ?? ''}")`);
      if (role === 'REPORTER' && !agency) problems.push('a REPORTER needs --agency <agency id>');
      if (knownRole && role !== 'REPORTER' && agency)
        problems.push(`only a REPORTER has an agency, not ${role}`);
      if (agency && !(await agencyExists(database.sql, agency)))
        problems.push(`--agency: no agency "${agency}"`);
      if (await accountExists(database.sql, address)) problems.push(`an account ${address} already exists`);
      if (problems.length > 0) throw new UsageError(problems.join('; '));
      const password = await passwordToSet();
      const passwordHash = await hashSecret(password.value);
      await database.sql.transaction(async (tx) => {
        const id = await insertAccount(tx, {
          email: address,
          name: (name ?? '').trim(),
          role: role as AccountRole,
          agencyId: agency ?? null,
          passwordHash,
        });
        await recordCliAudit(tx, {
          action: 'accounts.add',
          targetId: id,
          detail: { email: address, role, agencyId: agency ?? null },
        });
      });
      io.out(`Added ${address} (${role}${agency ? `, agency ${agency}` : ''}).`);
      announce(password);
      return;
    }
    case 'list': {
      for (const account of await listAccounts(database.sql)) {
        io.out(
          [
            account.email,
            account.role,
            account.agency_id ?? '-',
            account.disabled_at ? 'disabled' : 'enabled',
            account.is_sample ? 'sample' : '-',
            account.name,
          ].join('\t'),
        );
      }
      return;
    }
    case 'set-password': {
      const address = email();
      const password = await passwordToSet();
      const passwordHash = await hashSecret(password.value);
      await changeAccount(address, 'accounts.setPassword', (tx) =>
        setAccountPassword(tx, address, passwordHash),
      );
      io.out(`New password for ${address}.`);
      announce(password);
      return;
    }
    case 'disable':
    case 'enable': {
      const address = email();
      const disabled = command === 'disable';
      await changeAccount(address, `accounts.${command}`, (tx) => setAccountDisabled(tx, address, disabled));
      io.out(
        disabled
          ? `Disabled ${address}: it can no longer sign in, and its sessions and API keys no longer work.`
          : `Enabled ${address}: it can sign in again.`,
      );
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }

  /**
   * Changes an existing account and writes its audit row in the same transaction; `change`
   * answers the account's id, or null when there is no such account.
   */
  async function changeAccount(
    address: string,
    action: string,
    change: (tx: SqlTransaction) => Promise<string | null>,
  ): Promise<void> {
    await database.sql.transaction(async (tx) => {
      const id = await change(tx);
      if (!id) throw new UsageError(`no account ${address}`);
      await recordCliAudit(tx, { action, targetId: id, detail: { email: address } });
    });
  }

  /** The password to store: read from stdin, or generated (and then shown once). */
  async function passwordToSet(): Promise<{ value: string; generated: boolean }> {
    if (!values['password-stdin']) return { value: newSecret(), generated: true };
    const value = (await io.readStdin()).replace(/\r?\n$/, '');
    if (value.length < MIN_PASSWORD_LENGTH) {
      throw new UsageError(
        `the password on stdin has ${value.length} characters; give at least ${MIN_PASSWORD_LENGTH}`,
      );
    }
    return { value, generated: false };
  }

  function announce(password: { value: string; generated: boolean }): void {
    if (!password.generated) return;
    io.out('Its password, shown only now (hand it over safely; it can be changed with set-password):');
    io.out(`  ${password.value}`);
  }
}
