import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { generateSigningKeyHex } from '../cloud-api/src/worldid';

/**
 * Demo-only secrets for `npm start`, made once per data folder and kept there (mode 0600) so
 * a restarted demo keeps its enrolled kiosk and job key. A real deployment sets these in the
 * cloud's environment; they never appear in the repo or in logs.
 */
const DemoSecretsSchema = z.object({
  operator_token: z.string().min(16),
  world_id_signing_key: z.string().regex(/^[0-9a-f]{64}$/),
  job_signing_key: z.string().min(1),
  /** The kiosk screen's page token, kept so the kiosk URL stays the same across restarts. */
  ui_token: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/).optional(),
});
export type DemoSecrets = Required<z.infer<typeof DemoSecretsSchema>>;

/** Reads the folder's secrets, making them on the first start (and a page token for a folder made before it existed). */
export function loadOrCreateDemoSecrets(path: string): DemoSecrets {
  const saved = existsSync(path) ? DemoSecretsSchema.parse(JSON.parse(readFileSync(path, 'utf8'))) : null;
  if (saved?.ui_token) return { ...saved, ui_token: saved.ui_token };
  const secrets = saved ? { ...saved, ui_token: newUiToken() } : makeSecrets();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

const newUiToken = (): string => randomBytes(32).toString('base64url');

export function makeSecrets(): DemoSecrets {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    operator_token: randomBytes(24).toString('base64url'),
    world_id_signing_key: generateSigningKeyHex(),
    job_signing_key: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    ui_token: newUiToken(),
  };
}
