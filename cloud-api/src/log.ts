import pino, { type DestinationStream, type Logger } from 'pino';
import { LOG_REDACT_PATHS } from '../../contract/log-redaction';

/** Structured logs to stderr, secrets redacted (ARCHITECTURE.md "Configuration"). */
export function createCloudLogger(level: string = 'info', destination: DestinationStream = pino.destination(2)): Logger {
  return pino({ name: 'cloud-api', level, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } }, destination);
}
export type { Logger };
