import { useState } from 'react';
import { describeError } from '../api/client';

/** One write button's life: busy while in flight, then a notice saying what happened (the cloud's refusal in words). */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  async function run(fn: () => Promise<unknown>, done: string): Promise<boolean> {
    setBusy(true);
    setNotice(null);
    try {
      await fn();
      setNotice({ ok: true, text: done });
      return true;
    } catch (e) {
      setNotice({ ok: false, text: describeError(e) });
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, notice, run };
}
