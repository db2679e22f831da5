import { z } from 'zod';

/**
 * A path id the database can compare: the canonical 8-4-4-4-12 hex form. Anything else is 404 before
 * any query — a looser pattern (36 of [0-9a-f-]) let `------------------------------------` reach a
 * uuid cast and answer 500 (found by test/fuzz/cloud-routes.ts). No `i` flag, so the OpenAPI document
 * shows the pattern as it is.
 */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * `request.params` of a route with an `{id}` segment: a bad id is answered 404 `<what> not found`
 * (api-route.ts validationHook maps a param failure to 404 with this message).
 */
export const pathIdParams = (what: string) => z.object({ id: z.string().regex(UUID, `${what} not found`) });
