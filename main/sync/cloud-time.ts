import type { Clock } from '../../contract/clock';

/**
 * The cloud's time as seen from the kiosk (issue 4: a Pi without a real-time clock may be ±24 h off).
 * Job expiry is a cloud time (contract/job.ts), so it is checked against local time plus the skew
 * measured from the HTTP `Date` header of the cloud's answers (RFC 9110 §6.6.1, one-second resolution).
 * Skews under 2 s are taken as none; until an answer with a Date header arrives the skew is 0.
 */
export class CloudTime implements Clock {
  private skewMs = 0;

  constructor(private readonly local: Clock) {}

  /** Records the cloud's Date header of a response received now. Ignores a missing or unreadable one. */
  observe(dateHeader: string | string[] | undefined): void {
    const value = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
    if (!value) return;
    const cloudMs = Date.parse(value);
    if (Number.isNaN(cloudMs)) return;
    const skew = cloudMs - this.local.now().getTime();
    this.skewMs = Math.abs(skew) < 2_000 ? 0 : skew;
  }

  get skew(): number {
    return this.skewMs;
  }

  now(): Date {
    return new Date(this.local.now().getTime() + this.skewMs);
  }
}
