/** Whole seconds left until `expiresAt` (ISO-8601), never negative; null when it cannot be read. */
export function secondsLeft(expiresAt: string, nowMs: number): number | null {
  const end = Date.parse(expiresAt);
  if (Number.isNaN(end)) return null;
  return Math.max(0, Math.ceil((end - nowMs) / 1000));
}

/** "m:ss" for a countdown. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The QR image source for trusted, core-made SVG markup. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

/** Demo mode only: the simulated phone page that answers the scan for this connector URI. */
export function demoPhoneHref(demoPhoneUrl: string, connectorUri: string): string {
  return `${demoPhoneUrl}?uri=${encodeURIComponent(connectorUri)}`;
}
