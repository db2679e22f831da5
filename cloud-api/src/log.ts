import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths that may hold secrets; pino replaces them before a line is written. */
const REDACT = ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'code', '*.code', 'signature', 'apiKey', '*.apiKey', 'api_key', '*.api_key'];

/** Structured logs to stderr, secrets redacted (ARCHITECTURE.md "Configuration"). */
export function createCloudLogger(level: string = 'info', destination: DestinationStream = pino.destination(2)): Logger {
  return pino({ name: 'cloud-api', level, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}
export type { Logger };
