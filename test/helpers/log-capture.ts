import type { Logger } from 'pino';
import { createLogger } from '../../src/lib/logger.js';

export interface CapturedLog {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines: { level: number; msg: string; [key: string]: unknown }[];
  /** The lines at `warn` (pino level 40). */
  warnings(): CapturedLog['lines'];
}

/** The service's logger writing into memory (synchronously), so a test can count and read what was logged. */
export function captureLog(level = 'info'): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  return { logger, lines, warnings: () => lines.filter((l) => l.level === 40) };
}
