import { z } from 'zod';

/** Results, not exceptions, cross a process boundary (STYLE.md, Signal-Desktop). */
export const ErrorInfoSchema = z.object({ code: z.string().min(1), message: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}
export function err<T = never>(code: string, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

export function resultSchema<T extends z.ZodTypeAny>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: ErrorInfoSchema }),
  ]);
}
