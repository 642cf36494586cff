#!/usr/bin/env node
// Device registry CLI (see --help): wiring only; the commands are in devices-cli.ts.
import { connectServerDatabase } from '@bisa/db/database.ts';
import { runCommandLine } from '@bisa/service/command-line.ts';
import { parseDevicesConfig } from './config.ts';
import { DEVICES_HELP, runDevicesCli } from './devices-cli.ts';

await runCommandLine({
  program: 'devices',
  help: DEVICES_HELP,
  parseConfig: parseDevicesConfig,
  open: (config) => connectServerDatabase(config.databaseUrl, { maxConnections: 2 }),
  run: runDevicesCli,
});
