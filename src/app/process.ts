import type { Logger } from 'pino';
import { ConfigError } from './config.js';
import { StartupError } from './resources.js';

/**
 * What the two entry points (main.ts and worker.ts) do with their process; nothing else in
 * src/ exits it, so every other module can be started and stopped by a test.
 */

/** Prints why start-up failed (a problem the operator must fix as its message, anything else with its stack) and exits with status 1. */
export function exitOnStartupFailure(error: unknown): never {
  console.error(error instanceof ConfigError || error instanceof StartupError ? error.message : error);
  process.exit(1);
}

/** Status of a process told twice to stop: it did not finish its shutdown (128 + SIGINT, as a shell reports ^C). */
export const FORCED_EXIT_STATUS = 130;

/**
 * Runs `shutdown` on the first SIGTERM or SIGINT and exits with status 0 when it is done (1 if it
 * failed). A second SIGTERM or SIGINT exits at once with FORCED_EXIT_STATUS: whoever sends it does
 * not want to wait for the requests in flight.
 */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now, without finishing the shutdown`);
      process.exit(FORCED_EXIT_STATUS);
    }
    stopping = true;
    logger.info(`${signal}: shutting down`);
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
