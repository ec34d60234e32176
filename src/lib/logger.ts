import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { redactedError } from './redact.js';

/**
 * The service's logger. Every `err` it writes, at any depth of any child, goes through
 * redactedError: no email address in full (SMTP replies, database errors) and no query parameters.
 * JSON lines for log collectors; readable lines on a terminal (`pretty`).
 */
export function createLogger(options: { level: LoggerOptions['level']; pretty?: boolean; destination?: DestinationStream }): Logger {
  const settings: LoggerOptions = {
    level: options.level,
    serializers: { err: redactedError },
    ...(options.pretty ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } } : {}),
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
