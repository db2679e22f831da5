import { z } from 'zod';
import { ErrorCodes } from '../../../contract/http';
import { IsoTimeSchema, UuidSchema } from '../../../contract/ids';
import { HttpError } from '../http-error';

/**
 * Keyset cursors (issue 17: "no upper bound on how far back"): the last row's (time, id), base64url JSON. A page
 * continues strictly after it in (time DESC, id DESC) order, so each page costs an index range scan however deep.
 */
const CursorBodySchema = z.strictObject({ t: IsoTimeSchema, id: UuidSchema });
export type Cursor = z.infer<typeof CursorBodySchema>;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  try {
    return CursorBodySchema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
  } catch {
    throw new HttpError(400, ErrorCodes.malformed, 'invalid query — cursor: not a cursor this API gave out');
  }
}

/** Page of `limit` rows from a query that fetched limit + 1; the cursor points after the last row kept. */
export function pageFrom<R, T>(rows: R[], limit: number, key: (r: R) => Cursor, map: (r: R) => T): { items: T[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(map), next_cursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}
