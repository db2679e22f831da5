import pino, { type Logger } from 'pino';

/** Paths that may hold secrets; pino replaces them before a line is written. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'signing_key',
  '*.signing_key',
  'pin',
  '*.pin',
  'code',
  '*.code',
];

/** Structured logs to stderr (stdout stays free for CLI output). */
export function createLogger(name: string, level: string = 'info'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, pino.destination(2));
}

export type { Logger };
