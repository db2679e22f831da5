/**
 * Display helpers for the admin screen: times in the kiosk's local time, short and unambiguous, with
 * the zone they are in (issue 16: "times show their zone"), e.g. "2026-12-02 16:58:03 UTC".
 */
export function formatTime(iso: string | null, never: string, timeZone?: string): string {
  if (iso === null) return never;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      hourCycle: 'h23', timeZoneName: 'short', ...(timeZone ? { timeZone } : {}),
    }).formatToParts(d).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}
