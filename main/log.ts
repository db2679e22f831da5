import pino, { type DestinationStream, type Logger } from 'pino';
import { LOG_REDACT_PATHS } from '../contract/log-redaction';

/** Structured logs to stderr (stdout stays free for CLI output), plus the in-memory ring below. */
export function createLogger(name: string, level: string = 'info', destination: DestinationStream = pino.destination(2)): Logger {
  const streams = pino.multistream([
    { level: 'trace', stream: destination },
    { level: 'info', stream: recentLog },
  ]);
  return pino({ name, level, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } }, streams);
}

export type { Logger };

/**
 * A fixed-size ring of recent log lines (pino JSON lines in, {time, level, msg} out) for the admin
 * screen. Lines arrive already redacted by pino; the message text is scrubbed once more for bearer
 * tokens and long secrets a message string might carry (STYLE.md: never a secret in a log or the UI).
 */
export interface LogLine {
  time: string;
  level: string;
  msg: string;
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const MAX_MSG = 300;

export function scrubSecrets(text: string): string {
  return text
    .replace(/\b(bearer)\s+\S+/gi, '$1 [redacted]')
    .replace(/\b(token|pin|code|key|secret)=\S+/gi, '$1=[redacted]')
    .replace(/[A-Za-z0-9_\-+/=]{40,}/g, '[redacted]');
}

export class LogRing {
  private readonly lines: LogLine[] = [];

  constructor(readonly capacity: number) {}

  /** pino stream interface: one JSON line per call. A line that is not JSON is kept as text. */
  write(chunk: string): void {
    let line: LogLine;
    try {
      const o = JSON.parse(chunk) as { time?: unknown; level?: unknown; msg?: unknown; code?: unknown; err?: { message?: unknown; code?: unknown } };
      const msg = typeof o.msg === 'string' ? o.msg : '';
      const errText = typeof o.err?.message === 'string' ? ` (${o.err.message})` : '';
      // The reason code (a field or the error's) stays readable: the technician looks it up.
      const code = typeof o.code === 'string' ? o.code : typeof o.err?.code === 'string' ? o.err.code : null;
      line = {
        time: new Date(typeof o.time === 'number' ? o.time : Date.now()).toISOString(),
        level: typeof o.level === 'number' ? (LEVELS[o.level] ?? String(o.level)) : String(o.level ?? 'info'),
        msg: scrubSecrets(`${msg}${errText}${code ? ` [${code}]` : ''}`).slice(0, MAX_MSG),
      };
    } catch {
      line = { time: new Date().toISOString(), level: 'info', msg: scrubSecrets(chunk.trim()).slice(0, MAX_MSG) };
    }
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** The newest `limit` lines, oldest first. */
  recent(limit = 50): LogLine[] {
    return this.lines.slice(-Math.max(0, limit));
  }

  clear(): void {
    this.lines.length = 0;
  }
}

/**
 * The recent log lines the technician admin screen shows (issue 6 "recent log lines"). Every logger
 * made here feeds it after redaction; it keeps info and above, newest last.
 */
export const recentLog = new LogRing(200);

