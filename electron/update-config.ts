import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../main/config';
import { parseReleaseKeys } from './release-signature';
import type { UpdatePolicy } from './update-policy';
import type { TrialPolicy } from './update-health';

/**
 * The shell's update settings, from the same env file as the core (/etc/roluatm/kiosk.env).
 * ROLUATM_UPDATE_URL empty: no automatic updates (install-pi.sh upgrades still roll back).
 * ROLUATM_RELEASE_KEYS: the operator's Ed25519 release public keys (base64url, 43 characters,
 * comma separated; two during a key rotation). Updates need at least one.
 * ROLUATM_RELEASES_DIR and ROLUATM_TRIAL are set by build/roluatm-launch.sh.
 */
const EnvSchema = z.object({
  ROLUATM_UPDATE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  ROLUATM_RELEASE_KEYS: z.string().default('').transform((v, ctx) => {
    try {
      return parseReleaseKeys(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Ed25519 public keys, base64url of 32 bytes (43 characters), comma separated' });
      return z.NEVER;
    }
  }),
  ROLUATM_UPDATE_CHECK_MIN: z.coerce.number().int().min(5).max(7 * 24 * 60).default(60),
  ROLUATM_RELEASES_DIR: z.string().min(1).default('/var/lib/roluatm/releases'),
  ROLUATM_HEALTH_DEADLINE_SEC: z.coerce.number().int().min(10).max(600).default(90),
  ROLUATM_HEALTH_REQUIRE_CLOUD: z.enum(['on', 'off']).default('off'),
});

export interface ShellUpdateConfig {
  feedUrl: string | null;
  releaseKeys: KeyObject[];
  releasesDir: string;
  policy: UpdatePolicy;
  trial: TrialPolicy;
}

export function parseShellUpdateConfig(env: Record<string, string | undefined>): ShellUpdateConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid update configuration — fix these variables: ${lines.join('; ')}`, { cause: parsed.error });
  }
  const e = parsed.data;
  return {
    feedUrl: e.ROLUATM_UPDATE_URL ?? null,
    releaseKeys: e.ROLUATM_RELEASE_KEYS,
    releasesDir: e.ROLUATM_RELEASES_DIR,
    policy: { firstCheckAfterMs: 5 * 60_000, checkEveryMs: e.ROLUATM_UPDATE_CHECK_MIN * 60_000 },
    trial: { deadlineMs: e.ROLUATM_HEALTH_DEADLINE_SEC * 1000, tolerateOffline: e.ROLUATM_HEALTH_REQUIRE_CLOUD === 'off' },
  };
}
