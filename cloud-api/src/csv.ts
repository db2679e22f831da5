/**
 * CSV (RFC 4180) for the console's exports (issue 17): CRLF rows; a field with a comma, quote or line break is quoted;
 * a text field starting with = + - @ (a spreadsheet formula) gets a leading apostrophe.
 */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvRow = (fields: readonly unknown[]): string => `${fields.map(csvField).join(',')}\r\n`;

/**
 * A streamed CSV body: the header, then each page `next` yields until it yields none. Pages are fetched as the
 * client reads (pull), so an export of any size holds one page in memory.
 */
export function csvStream<T>(columns: readonly string[], next: () => Promise<T[] | undefined>, row: (item: T) => unknown[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(enc.encode(csvRow(columns)));
        return;
      }
      const page = await next();
      if (!page || page.length === 0) {
        controller.close();
        return;
      }
      controller.enqueue(enc.encode(page.map((i) => csvRow(row(i))).join('')));
    },
  });
}
