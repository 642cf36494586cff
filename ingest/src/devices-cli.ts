import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { METRIC_KEY_PATTERN } from '@bisa/contract/payload.ts';
import { DEVICE_ID_PATTERN } from '@bisa/contract/topics.ts';
import type { Database } from '@bisa/db/database.ts';
import { hashSecret, newSecret } from '@bisa/db/secret-hash.ts';
import { type CommandLineIo, UsageError } from '@bisa/service/command-line.ts';
import { mosquittoAcl, mosquittoPasswordLine, updatePasswordFile } from './mosquitto-auth.ts';
import {
  disableDevice,
  findAccountByEmail,
  insertDevice,
  listDevices,
  setDeviceCredential,
} from './repositories/devices.ts';

export const DEVICES_HELP = `Usage: node ingest/src/devices.ts <command> [options]   (DATABASE_URL must be set)

Commands:
  add <id> --name <name> --programme <id> --location <id> [--datastream <key>:<property>:<unit>]...
      [--owner <e-mail>]
        Registers a device and prints its secret ONCE (only a scrypt hash is stored). --owner names
        the INTEGRATOR account that looks after it: it sees the device's health and dead letters.
  list  Lists devices: state, online status, last accepted message, datastreams, owner, last error.
  rotate <id>
        Issues a new secret (printed once; the old one stops working) and re-enables the device.
  disable <id>
        Removes the device's credential; it can no longer connect and its messages are refused.
  mosquitto-acl [--ingest-user bisa_ingest] [--connections N]
        Prints the Mosquitto ACL: devices write only their own readings/status; ingest only reads.
  mosquitto-passwd <user>
        Reads a password from stdin and prints a mosquitto_passwd-compatible line (e.g. ingest users).

Options of add, rotate and disable:
  --passwd-file <path>   Also add, replace or remove the device's line in this Mosquitto password
                         file (reload Mosquitto afterwards: kill -HUP). Without it, add and rotate
                         print the line to append.
`;

/** Runs one CLI command; throws UsageError for bad arguments. */
export async function runDevicesCli(
  argv: readonly string[],
  database: Database,
  io: CommandLineIo,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      programme: { type: 'string' },
      location: { type: 'string' },
      datastream: { type: 'string', multiple: true },
      owner: { type: 'string' },
      'passwd-file': { type: 'string' },
      'ingest-user': { type: 'string', default: 'bisa_ingest' },
      connections: { type: 'string', default: '1' },
    },
  });
  const [command, id] = positionals;
  const passwdFile = values['passwd-file'];
  const deviceId = () => {
    if (!id || !DEVICE_ID_PATTERN.test(id)) {
      throw new UsageError(`device id "${id ?? ''}" must be 2-63 lower-case letters, digits or hyphens`);
    }
    return id;
  };
  switch (command) {
    case 'add': {
      const device = deviceId();
      const { name, programme, location } = values;
      if (!name || !programme || !location)
        throw new UsageError('add needs --name, --programme and --location');
      const datastreams = (values.datastream ?? []).map((spec) => {
        const [key, observedPropertyId, unit] = spec.split(':');
        if (!key || !METRIC_KEY_PATTERN.test(key) || !observedPropertyId || unit === undefined) {
          throw new UsageError(
            `--datastream "${spec}" must be <key>:<observed property id>:<unit>, key like water_level`,
          );
        }
        return { key, observedPropertyId, unit };
      });
      const ownerUserId = values.owner === undefined ? null : await integratorId(values.owner);
      const secret = newSecret();
      const credentialHash = await hashSecret(secret);
      await database.sql.transaction((tx) =>
        insertDevice(tx, {
          id: device,
          name,
          programmeId: programme,
          locationId: location,
          credentialHash,
          ownerUserId,
          datastreams,
        }),
      );
      await announce(device, `Added ${device}. Its secret, shown only now (store it on the device):`, secret);
      return;
    }
    case 'list': {
      for (const d of await listDevices(database.sql)) {
        const state = d.disabled_at ? 'disabled' : d.has_credential ? 'enabled' : 'no-credential';
        io.out(
          [
            d.id,
            state,
            d.connection ?? '-',
            d.last_accepted_at ? new Date(d.last_accepted_at).toISOString() : '-',
            d.datastreams ?? '-',
            d.owner_email ?? '-',
            d.last_error ?? '',
          ].join('\t'),
        );
      }
      return;
    }
    case 'rotate': {
      const device = deviceId();
      const secret = newSecret();
      if (!(await setDeviceCredential(database.sql, device, await hashSecret(secret)))) {
        throw new UsageError(`no device "${device}"`);
      }
      await announce(
        device,
        `Rotated ${device}. Its new secret, shown only now (the old one no longer works):`,
        secret,
      );
      return;
    }
    case 'disable': {
      const device = deviceId();
      if (!(await disableDevice(database.sql, device))) throw new UsageError(`no device "${device}"`);
      io.out(
        `Disabled ${device}: it can no longer connect to the embedded broker and its messages are refused.`,
      );
      if (passwdFile) {
        await updatePasswd(device, undefined);
        io.out(`Removed it from ${passwdFile}; reload Mosquitto (kill -HUP <pid>) to apply.`);
      } else {
        io.out(`Remove the line "${device}:..." from the Mosquitto password file and reload Mosquitto.`);
      }
      return;
    }
    case 'mosquitto-acl': {
      const connections = Number(values.connections);
      if (!Number.isInteger(connections) || connections < 1)
        throw new UsageError('--connections must be >= 1');
      io.out(mosquittoAcl(values['ingest-user'], connections).trimEnd());
      return;
    }
    case 'mosquitto-passwd': {
      if (!id) throw new UsageError('mosquitto-passwd needs a user name');
      const password = (await io.readStdin()).replace(/\r?\n$/, '');
      if (password === '') throw new UsageError('give the password on stdin');
      io.out(mosquittoPasswordLine(id, password));
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }

  /** Only integrators own devices: other roles already see every device, or none. */
  async function integratorId(email: string): Promise<string> {
    const account = await findAccountByEmail(database.sql, email);
    if (!account) throw new UsageError(`--owner: no account "${email}"`);
    if (account.role !== 'INTEGRATOR') {
      throw new UsageError(`--owner: "${email}" is ${account.role}; only INTEGRATOR accounts own devices`);
    }
    return account.id;
  }

  /** Shows a new secret once, with its Mosquitto password line (written to --passwd-file if given). */
  async function announce(device: string, heading: string, secret: string): Promise<void> {
    io.out(heading);
    io.out(`  ${secret}`);
    const line = mosquittoPasswordLine(device, secret);
    if (passwdFile) {
      await updatePasswd(device, line);
      io.out(`Updated ${passwdFile}; reload Mosquitto (kill -HUP <pid>) to apply.`);
    } else {
      io.out('Mosquitto password file line (append it, then reload Mosquitto):');
      io.out(`  ${line}`);
    }
  }

  async function updatePasswd(device: string, line: string | undefined): Promise<void> {
    if (!passwdFile) return;
    const text = updatePasswordFile(await readOptional(passwdFile), device, line);
    await writeFile(passwdFile, text, { mode: 0o600 });
  }
}

async function readOptional(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
