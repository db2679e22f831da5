import { useLayoutEffect, useRef } from 'react';

/**
 * For a wrapping list whose items are joined by a separator (the welcome's terms, issue 16): marks each
 * item that begins a row with `data-row-start`, so CSS hides that item's separator and no line starts
 * with a stray "·" (the Spanish terms wrapped at 800x480). The separator must take no layout space (it
 * sits in the flex gap, styles.css `.joined`), so hiding it cannot change where the rows break.
 * Marks again after every render (language, amounts) and whenever the list's size changes.
 */
export function useRowStarts<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    const list = ref.current;
    if (!list) return;
    const mark = () => {
      let rowTop: number | null = null;
      for (const item of Array.from(list.children) as HTMLElement[]) {
        const top = item.offsetTop;
        // A row begins where an item sits lower than the one before (half a line of slack for baseline shifts).
        const starts = rowTop === null || top > rowTop + item.offsetHeight / 2;
        if (starts) rowTop = top;
        item.toggleAttribute('data-row-start', starts);
      }
    };
    mark();
    const observer = new ResizeObserver(mark);
    observer.observe(list);
    return () => observer.disconnect();
  });
  return ref;
}
