/**
 * The hidden admin entry (README "Admin screen"): ADMIN_TAPS taps on the brand in the top-left corner
 * within ADMIN_TAP_WINDOW_MS. A customer does not tap a logo five times in three seconds by chance;
 * the PIN behind it is the real lock.
 */
export const ADMIN_TAPS = 5;
export const ADMIN_TAP_WINDOW_MS = 3000;

export interface TapGesture {
  /** Records one tap at `at` ms; true when it completes the gesture (the count then starts over). */
  tap(at: number): boolean;
}

export function createTapGesture(taps = ADMIN_TAPS, windowMs = ADMIN_TAP_WINDOW_MS): TapGesture {
  let times: number[] = [];
  return {
    tap(at) {
      times = [...times.filter((t) => at - t < windowMs), at];
      if (times.length < taps) return false;
      times = [];
      return true;
    },
  };
}
