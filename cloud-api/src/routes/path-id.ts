/**
 * A path id the database can compare: the canonical 8-4-4-4-12 hex form. Anything else is 404 before
 * any query — a looser pattern (36 of [0-9a-f-]) let `------------------------------------` reach a
 * uuid cast and answer 500 (found by test/fuzz/cloud-routes.ts).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuidPathId(id: string): boolean {
  return UUID.test(id);
}
