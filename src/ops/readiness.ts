import type { Logger } from 'pino';

export interface ReadinessState {
  ready: boolean;
  database: 'up' | 'down' | 'unknown';
  migrations: 'applied' | 'pending' | 'unknown';
  shuttingDown: boolean;
}

export interface ReadinessOptions {
  /** Resolves whether the migrations are applied; rejects (or takes too long) when the database is away. */
  check(): Promise<boolean>;
  logger: Logger;
  /** How often the database is probed. */
  intervalMs?: number;
  /** A probe slower than this counts as the database being away (default 1 s). */
  timeoutMs?: number;
}

/**
 * Whether this instance should get traffic. /ready must answer in milliseconds even while the
 * database hangs (a load balancer's check times out, and marks every instance down at once), so the
 * database is probed in the background and /ready reads the last answer. The probe starts on the
 * first question: building the app does no I/O.
 */
export function createReadiness({ check, logger, intervalMs = 1000, timeoutMs = 1000 }: ReadinessOptions) {
  let database: ReadinessState['database'] = 'unknown';
  let migrations: ReadinessState['migrations'] = 'unknown';
  let shuttingDown = false;
  let timer: NodeJS.Timeout | undefined;
  let probing: Promise<void> | undefined;
  let closed = false;

  const probe = async () => {
    let timeout: NodeJS.Timeout | undefined;
    try {
      const applied = await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (database === 'down') logger.info('database reachable again: ready');
      database = 'up';
      migrations = applied ? 'applied' : 'pending';
    } catch (error) {
      if (database !== 'down' && !closed) logger.warn({ err: error }, 'database unreachable: not ready');
      database = 'down';
    } finally {
      clearTimeout(timeout);
    }
  };
  // A probe still waiting for a hung database is not doubled: the state stays "down" meanwhile.
  const tick = () => {
    probing ??= probe().finally(() => (probing = undefined));
    return probing;
  };

  const state = (): ReadinessState => ({
    ready: database === 'up' && migrations === 'applied' && !shuttingDown,
    database,
    migrations,
    shuttingDown,
  });

  return {
    /** Starts probing (idempotent); resolves after the first probe. */
    start(): Promise<void> {
      if (timer || closed) return probing ?? Promise.resolve();
      timer = setInterval(tick, intervalMs).unref();
      return tick();
    },
    state,
    /** From now on not ready: the load balancer should stop sending before the listener closes. */
    beginShutdown() {
      shuttingDown = true;
    },
    /** Stops probing and waits for a probe in flight (before the database closes). */
    async close() {
      closed = true;
      shuttingDown = true;
      clearInterval(timer);
      await probing;
    },
  };
}
