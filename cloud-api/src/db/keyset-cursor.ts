import { z } from 'zod';
import { ErrorCodes } from '../../../contract/http';
import { UuidSchema } from '../../../contract/ids';
import { HttpError } from '../http-error';

/**
 * An opaque keyset cursor (contract/console-api.ts CursorSchema: base64url) for lists ordered by
 * (time, id): the last row's key of a page; the next page starts strictly after it (issue 18: every
 * list is paginated, and a page costs its size, not its offset).
 */
const KeySchema = z.strictObject({ t: z.iso.datetime(), id: UuidSchema });
export type Key = z.infer<typeof KeySchema>;

export function encodeCursor(key: { t: Date | string; id: string }): string {
  const t = key.t instanceof Date ? key.t.toISOString() : new Date(key.t).toISOString();
  return Buffer.from(JSON.stringify({ t, id: key.id })).toString('base64url');
}

/** The key in a cursor; 400 `malformed` for one this cloud did not make. */
export function decodeCursor(cursor: string): Key {
  try {
    return KeySchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new HttpError(400, ErrorCodes.malformed, 'cursor: not a cursor from next_cursor; start again without one');
  }
}

/** A page of `limit` rows from a query that read limit + 1; the cursor points after the last row kept (no empty last page). */
export function pageFrom<R, T>(rows: R[], limit: number, key: (r: R) => { t: Date | string; id: string }, map: (r: R) => T): { items: T[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(map), next_cursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}
