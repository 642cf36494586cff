#!/usr/bin/env node
// Device registry CLI (see --help): wiring only; the commands are in devices-cli.ts.
import { text } from 'node:stream/consumers';
import { connectServerDatabase } from '@bisa/db/database.ts';
import { configOrExit } from '@bisa/service/environment.ts';
import { parseDevicesConfig } from './config.ts';
import { DEVICES_HELP, runDevicesCli, UsageError } from './devices-cli.ts';

const argv = process.argv.slice(2);
if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(DEVICES_HELP);
  process.exit(argv.length === 0 ? 2 : 0);
}
const config = configOrExit('bisa-devices', parseDevicesConfig, () => DEVICES_HELP);
const database = connectServerDatabase(config.databaseUrl, { maxConnections: 2 });
try {
  await runDevicesCli(argv, database, {
    out: (line) => process.stdout.write(`${line}\n`),
    readStdin: () => text(process.stdin),
  });
} catch (error) {
  process.exitCode = error instanceof UsageError ? 2 : 1;
  process.stderr.write(
    `devices: ${(error as Error).message}\n${error instanceof UsageError ? '\nRun with --help for usage.\n' : ''}`,
  );
} finally {
  await database.close();
}
