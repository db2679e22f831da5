import { z } from 'zod';

/** Ids are UUIDs (v7 where we create them) generated where the record is born. */
export const UuidSchema = z.uuid();

/** ISO-8601 timestamp with offset, as produced by Date.prototype.toISOString(). */
export const IsoTimeSchema = z.iso.datetime({ offset: true });
