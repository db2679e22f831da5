import { describe, expect, it } from 'vitest';
import { createTapGesture } from './tap-gesture';

describe('the hidden admin tap gesture', () => {
  it('completes on the fifth tap within three seconds', () => {
    const g = createTapGesture();
    expect([0, 500, 1000, 1500].map((t) => g.tap(t))).toEqual([false, false, false, false]);
    expect(g.tap(2900)).toBe(true);
  });

  it('does not complete when the taps are spread over more than three seconds', () => {
    const g = createTapGesture();
    expect([0, 800, 1600, 2400, 3200, 4000].some((t) => g.tap(t))).toBe(false);
  });

  it('starts counting again after it completes', () => {
    const g = createTapGesture(2, 1000);
    expect(g.tap(0)).toBe(false);
    expect(g.tap(100)).toBe(true);
    expect(g.tap(200)).toBe(false);
    expect(g.tap(300)).toBe(true);
  });
});
