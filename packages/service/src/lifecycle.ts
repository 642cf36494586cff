import type { Logger } from 'pino';

export type StopStep = readonly [part: string, stop: (() => Promise<void>) | undefined];

/**
 * Runs each step in order, each in its own try/catch, so one part failing to stop does not
 * leave the ones after it open (a database left open can lose what it has not flushed).
 */
export async function stopInOrder(logger: Logger, steps: readonly StopStep[]): Promise<void> {
  for (const [part, stop] of steps) {
    if (!stop) continue;
    try {
      await stop();
      logger.info({ part }, 'stopped');
    } catch (error) {
      logger.error({ part, err: error }, 'failed to stop cleanly');
    }
  }
}

/**
 * For a composition root: starts the service and stops it in order on SIGINT/SIGTERM (exit 0)
 * or when the start fails (exit 1, after saying why on stderr as well as in the log).
 */
export async function runUntilSignalled(options: {
  program: string;
  logger: Logger;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}): Promise<void> {
  const { program, logger, start, stop } = options;
  let stopping = false;
  const shutdown = async (reason: string, exitCode: number) => {
    // A second signal while stopping must not start a second shutdown.
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    await stop();
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  try {
    await start();
  } catch (error) {
    logger.fatal({ err: error }, `${program} could not start`);
    console.error(`${program}: ${(error as Error).message}`);
    await shutdown('start failed', 1);
  }
}
