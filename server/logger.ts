/**
 * Structured JSON logs (pino). Keys and secrets must never reach a log line: nothing logs
 * request headers, and the redaction below is a second line of defence should a header object
 * or a key field slip into a log call.
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger } from 'pino';

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'policy-service' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'key', 'secret', '*.key', '*.secret'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
