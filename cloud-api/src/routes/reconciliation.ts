import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { RECONCILIATION_CSV_COLUMNS, ReconciliationQuerySchema, ReconciliationResponseSchema } from '../../../contract/console-api';
import { ErrorCodes } from '../../../contract/http';
import { csvRow } from '../csv';
import { HttpError } from '../http-error';
import { reconciliation } from '../db/reconciliation';
import { apiRoute, ERROR_RESPONSES, jsonResponse, VIEWER } from './api-route';

const CsvQuerySchema = ReconciliationQuerySchema.omit({ format: true });
const MAX_DAYS = 366;

/** `to` on or after `from`, at most a year: one answer stays one bounded query. */
function checkRange(from: string, to: string): void {
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (!(days >= 0 && days < MAX_DAYS)) throw new HttpError(400, ErrorCodes.malformed, `invalid query — to: must be on or after from, at most ${MAX_DAYS - 1} days later`);
}

/** Reconciliation per kiosk and UTC day (issue 17; db/reconciliation.ts says what each column counts), JSON or CSV. */
export const reconciliationRoutes = [
  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/reconciliation',
      summary: 'coins loaded, due, paid, credits opened and collected, and the difference, per kiosk and UTC day (?format=csv for CSV)',
      security: VIEWER,
      request: { query: ReconciliationQuerySchema },
      responses: { 200: jsonResponse('rows (or text/csv)', ReconciliationResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const f = c.req.valid('query');
      checkRange(f.from, f.to);
      const rows = await reconciliation(deps.db, { from: f.from, to: f.to, ...(f.kiosk_id ? { kioskId: f.kiosk_id } : {}) });
      if (f.format === 'csv') return csvAnswer(rows) as never;
      return c.json({ rows }, 200);
    },
  ),
  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/reconciliation.csv',
      summary: 'the reconciliation as CSV',
      security: VIEWER,
      request: { query: CsvQuerySchema },
      responses: { 200: { description: `text/csv: ${RECONCILIATION_CSV_COLUMNS.join(',')}`, content: { 'text/csv': { schema: z.string() } } }, ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const f = c.req.valid('query');
      checkRange(f.from, f.to);
      const rows = await reconciliation(deps.db, { from: f.from, to: f.to, ...(f.kiosk_id ? { kioskId: f.kiosk_id } : {}) });
      return csvAnswer(rows) as never;
    },
  ),
];

function csvAnswer(rows: Awaited<ReturnType<typeof reconciliation>>): Response {
  const body = csvRow(RECONCILIATION_CSV_COLUMNS) + rows.map((r) => csvRow(RECONCILIATION_CSV_COLUMNS.map((col) => r[col]))).join('');
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="reconciliation.csv"', 'cache-control': 'no-store' },
  });
}

