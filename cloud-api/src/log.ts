import pino, { type Logger } from 'pino';

/** Paths that may hold secrets; pino replaces them before a line is written. */
const REDACT = ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'code', '*.code', 'signature'];

/** Structured logs to stderr, secrets redacted (ARCHITECTURE.md "Configuration"). */
export function createCloudLogger(level: string = 'info'): Logger {
  return pino({ name: 'cloud-api', level, redact: { paths: REDACT, censor: '[redacted]' } }, pino.destination(2));
}
export type { Logger };
