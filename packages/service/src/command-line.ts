import { text } from 'node:stream/consumers';
import { configOrExit } from './environment.ts';

/** Wrong use of a command line: it exits 2 with the message and a pointer to --help, not a stack. */
export class UsageError extends Error {}

/** What a command writes and reads; tests pass their own. */
export interface CommandLineIo {
  out(line: string): void;
  readStdin(): Promise<string>;
}

/**
 * The composition root of an administration command line (the device registry, the accounts):
 * --help, or no argument, prints `help`; the configuration comes from the environment (exit 2
 * listing what is wrong); `open` makes what the command works on, closed however it ends, and
 * `prepare` readies it first (a service's migrations, say). A UsageError exits 2, anything else
 * 1, each with its message on stderr.
 */
export async function runCommandLine<Config, Resource extends { close(): Promise<void> }>(spec: {
  program: string;
  help: string;
  parseConfig: (env: Record<string, string | undefined>) => Config;
  open: (config: Config) => Resource;
  prepare?: (resource: Resource) => Promise<void>;
  run: (argv: readonly string[], resource: Resource, io: CommandLineIo) => Promise<void>;
}): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(spec.help);
    process.exit(argv.length === 0 ? 2 : 0);
  }
  const config = configOrExit(spec.program, spec.parseConfig, () => spec.help);
  const resource = spec.open(config);
  try {
    await spec.prepare?.(resource);
    await spec.run(argv, resource, {
      out: (line) => process.stdout.write(`${line}\n`),
      readStdin: () => text(process.stdin),
    });
  } catch (error) {
    const usage = error instanceof UsageError;
    process.exitCode = usage ? 2 : 1;
    process.stderr.write(
      `${spec.program}: ${(error as Error).message}\n${usage ? '\nRun with --help for usage.\n' : ''}`,
    );
  } finally {
    await resource.close();
  }
}
