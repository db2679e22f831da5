import { useEffect, useState } from 'react';

/** Wall-clock milliseconds, re-read every `intervalMs`; `now` is injectable for tests and demos. */
export function useNow(intervalMs: number, now: () => number = Date.now): number {
  const [value, setValue] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setValue(now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, now]);
  return value;
}
