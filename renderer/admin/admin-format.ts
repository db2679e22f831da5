/** Display helpers for the admin screen: times in the kiosk's local time, short and unambiguous. */
export function formatTime(iso: string | null, never: string): string {
  if (iso === null) return never;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
