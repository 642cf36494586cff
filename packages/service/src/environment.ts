import type { z } from 'zod';

/** One environment variable a service reads: what it means and its default, shown by --help. */
export interface VariableSpec {
  description: string;
  /** Used when the variable is unset or empty. */
  default?: string;
  /** Never echoed back (passwords, URLs that may hold one). */
  secret?: boolean;
}

export type VariableSpecs = Record<string, VariableSpec>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the variables named in `specs` with `schema`. An empty variable counts as unset, so
 * `FOO= node main.ts` falls back to the default. Throws one ConfigError naming every bad
 * variable, what it should be and what it is for.
 */
export function parseEnvironment<Schema extends z.ZodType>(
  specs: VariableSpecs,
  schema: Schema,
  env: Record<string, string | undefined>,
): z.output<Schema> {
  const relevant = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      env[name] === '' ? spec.default : (env[name] ?? spec.default),
    ]),
  );
  const parsed = schema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const spec = specs[name];
    const shown = spec?.secret ? '' : `=${JSON.stringify(env[name])}`;
    return `  ${name}${shown}: ${issue.message} (${spec?.description ?? 'unknown variable'})`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** The --help text: usage, what the program does, and every variable with its default. */
export function environmentHelp(usage: string, summary: readonly string[], specs: VariableSpecs): string {
  const width = Math.max(...Object.keys(specs).map((name) => name.length));
  const rows = Object.entries(specs).map(
    ([name, spec]) =>
      `  ${name.padEnd(width)}  ${spec.description}${spec.default === undefined ? '' : ` (default: ${spec.default})`}`,
  );
  return [`Usage: ${usage}`, '', ...summary, '', 'Environment variables:', ...rows].join('\n');
}

/**
 * For a composition root: prints `help` and exits 0 on --help/-h; otherwise parses the
 * configuration, or prints what is wrong and exits 2 (a usage error, so a supervisor does not
 * restart in a loop on a typo).
 */
export function configOrExit<Config>(
  program: string,
  parse: (env: Record<string, string | undefined>) => Config,
  help: () => string,
  argv: readonly string[] = process.argv,
  env: Record<string, string | undefined> = process.env,
): Config {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(help());
    process.exit(0);
  }
  try {
    return parse(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${program}: ${error.message}\nRun with --help to see every variable and its default.`);
    process.exit(2);
  }
}
