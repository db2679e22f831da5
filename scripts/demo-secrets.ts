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
});
export type DemoSecrets = z.infer<typeof DemoSecretsSchema>;

export function loadOrCreateDemoSecrets(path: string): DemoSecrets {
  if (existsSync(path)) return DemoSecretsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const secrets = makeSecrets();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function makeSecrets(): DemoSecrets {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    operator_token: randomBytes(24).toString('base64url'),
    world_id_signing_key: generateSigningKeyHex(),
    job_signing_key: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}
