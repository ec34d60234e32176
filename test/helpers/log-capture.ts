import { type Logger, pino } from 'pino';

export interface CapturedLog {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines: { level: number; msg: string; [key: string]: unknown }[];
  /** The lines at `warn` (pino level 40). */
  warnings(): CapturedLog['lines'];
}

/** A real pino logger writing into memory (synchronously), so a test can count what was logged. */
export function captureLog(level = 'info'): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines, warnings: () => lines.filter((l) => l.level === 40) };
}
