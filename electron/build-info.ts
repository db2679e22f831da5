import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Build metadata stamped at packaging (issue 7: "version and build metadata visible in the admin
 * screen"). electron/build.ts writes dist-electron/build-info.json, which the files allowlist packs;
 * electron/main.ts reads it and hands the id to the core as ROLUATM_BUILD (main/config.ts), which
 * the admin status reports as software.build. From a checkout the id is 'dev'.
 */
export const BuildInfoSchema = z.strictObject({
  version: z.string().min(1).max(50),
  build: z.string().regex(/^[0-9A-Za-z.+_-]{1,100}$/, 'letters, digits and . + _ - only'),
  built_at: z.string(),
});
export type BuildInfo = z.infer<typeof BuildInfoSchema>;

/**
 * `<version>+<yyyymmddHHMM>.<git short sha>`, or ROLUATM_BUILD_ID when CI sets one (checked).
 * Pure: the caller passes the sha (null outside a git checkout) and the time.
 */
export function makeBuildInfo(input: { version: string; now: Date; gitSha: string | null; env: Record<string, string | undefined> }): BuildInfo {
  const stamp = input.now.toISOString().replace(/[-:T]/g, '').slice(0, 12);
  const fromEnv = input.env['ROLUATM_BUILD_ID'];
  const build = fromEnv !== undefined && fromEnv !== '' ? fromEnv : `${input.version}+${stamp}.${input.gitSha ?? 'nogit'}`;
  return BuildInfoSchema.parse({ version: input.version, build, built_at: input.now.toISOString() });
}

/** The packed build-info.json, or null when absent or malformed (a dev run of the bundle). */
export function readBuildInfo(path: string): BuildInfo | null {
  try {
    const parsed = BuildInfoSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
