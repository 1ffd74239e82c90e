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
  // Written synchronously to stdout (as Node writes process.stdout to files and pipes on Linux):
  // a line is out before the answer it logs, so a crash loses none, and it costs less than
  // pino's default asynchronous stream, which queues lines by string concatenation and writes
  // them through the thread pool (one request log line 3.6 against 5.5 µs of CPU and ~4 against
  // ~12 KB of garbage; decide under load: server CPU 138/144/137 against 144/151/152 µs a request,
  // 3 interleaved pairs).
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
