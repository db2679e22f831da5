import { v7 as uuidv7 } from 'uuid';

/** Time comes from an injected clock, never from Date.now() in logic (STYLE.md). */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1)) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(date: Date): void {
    this.ms = date.getTime();
  }
}

/** UUIDv7, generated where the record is born. */
export function newId(): string {
  return uuidv7();
}
