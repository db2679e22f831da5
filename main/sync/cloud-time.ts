import type { Clock } from '../../contract/clock';

/**
 * The cloud's time as seen from the kiosk (issue 4: a Pi without a real-time clock may be ±24 h off).
 * Job expiry is a cloud time (contract/job.ts), so it is checked against local time plus the skew
 * measured from the HTTP `Date` header of the cloud's answers (RFC 9110 §6.6.1, one-second resolution).
 * Skews under 2 s are taken as none; until an answer with a Date header arrives the skew is 0 and
 * `known` is false: nothing that depends on a job's expiry is decided then (kiosk/payout-runner.ts:
 * at start-up no remainder is paid until the cloud's time is known, issue 13).
 */
export class CloudTime implements Clock {
  private skewMs = 0;
  private isKnown = false;
  private readonly knownListeners = new Set<() => void>();

  constructor(private readonly local: Clock) {}

  /** Records the cloud's Date header of a response received now. Ignores a missing or unreadable one. */
  observe(dateHeader: string | string[] | undefined): void {
    const value = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
    if (!value) return;
    const cloudMs = Date.parse(value);
    if (Number.isNaN(cloudMs)) return;
    const skew = cloudMs - this.local.now().getTime();
    this.skewMs = Math.abs(skew) < 2_000 ? 0 : skew;
    if (this.isKnown) return;
    this.isKnown = true;
    for (const l of [...this.knownListeners]) l();
    this.knownListeners.clear();
  }

  /** A cloud answer with a readable Date header has been seen since start-up. */
  get known(): boolean {
    return this.isKnown;
  }

  /** Calls `listener` once, when the cloud's time first becomes known (at once if it is). */
  onKnown(listener: () => void): void {
    if (this.isKnown) listener();
    else this.knownListeners.add(listener);
  }

  get skew(): number {
    return this.skewMs;
  }

  now(): Date {
    return new Date(this.local.now().getTime() + this.skewMs);
  }
}
