import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { startBridge } from './bridge';
import { startPhonePage } from './phone-page';
import { SIM_APP_ID, SIM_RP_ID, startFakePortal } from './portal';

/**
 * The three World ID simulators as one unit for `npm run sim -- worldid|all`: the bridge the kiosk
 * talks to, the fake Developer Portal the cloud verifies at, and the simulated phone page
 * (PAYMENT_MODE=none: the payment demo runs under `npm start`, which knows the cloud's URL).
 */
export const SIM_ACTION = 'roluatm-cash-out';

export interface WorldIdSimulators {
  bridgeUrl: string;
  portalUrl: string;
  phoneUrl: string;
  close(): Promise<void>;
}

export async function startWorldIdSimulators(): Promise<WorldIdSimulators> {
  const bridge = await startBridge();
  const portal = await startFakePortal({ appId: SIM_APP_ID });
  const phone = await startPhonePage();
  return {
    bridgeUrl: bridge.url,
    portalUrl: portal.url,
    phoneUrl: phone.url,
    close: async () => {
      await Promise.all([bridge.close(), portal.close(), phone.close()]);
    },
  };
}

/** A secp256k1 secret as 64 hex digits: what the Developer Portal hands out as the RP signing key. */
function newRpSigningKeyHex(): string {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({ format: 'jwk' });
  return Buffer.from(jwk.d ?? '', 'base64url').toString('hex').padStart(64, '0');
}

/** The cloud's demo secrets the env lines carry; kept from an earlier env file so an enrolled kiosk keeps trusting the cloud's job key. */
const KEPT_SECRETS = ['WORLD_ID_SIGNING_KEY', 'JOB_SIGNING_KEY', 'OPERATOR_TOKEN'] as const;
export type SimSecrets = Partial<Record<(typeof KEPT_SECRETS)[number], string>>;

/** The secrets in an earlier env file's `KEY=value` lines. */
export function secretsFromEnvFile(text: string): SimSecrets {
  const kept: SimSecrets = {};
  for (const line of text.split('\n')) {
    const key = KEPT_SECRETS.find((k) => line.startsWith(`${k}=`));
    if (key) kept[key] = line.slice(key.length + 1).trim();
  }
  return kept;
}

/**
 * The env lines that point `npm run cloud` and `npm run kiosk` at the simulators (README "Running the
 * parts one by one"), with demo-only secrets for the cloud (fresh unless `kept`). `KEY=value` and `#`
 * comments only, so the lines can be sourced by a shell (`set -a; . ./sim.env; set +a`).
 */
export function simulatorEnvLines(s: { bridgeUrl: string; portalUrl: string; phoneUrl: string; hopperDevice?: string; coins?: number }, kept: SimSecrets = {}): string[] {
  const jobKey = kept.JOB_SIGNING_KEY ?? generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  return [
    '# both: the simulators use a staging app id and an http bridge (demo and tests only)',
    'WORLD_ID_ALLOW_STAGING=1',
    '# npm run cloud: the fake Developer Portal and demo values (demo secrets, kept in --write-env; never in production)',
    'PAYMENT_MODE=none',
    `DEV_PORTAL_BASE_URL=${s.portalUrl}`,
    `WORLD_ID_APP_ID=${SIM_APP_ID}`,
    `WORLD_ID_RP_ID=${SIM_RP_ID}`,
    `WORLD_ID_ACTION=${SIM_ACTION}`,
    `WORLD_ID_SIGNING_KEY=${kept.WORLD_ID_SIGNING_KEY ?? newRpSigningKeyHex()}`,
    `JOB_SIGNING_KEY=${jobKey}`,
    `OPERATOR_TOKEN=${kept.OPERATOR_TOKEN ?? randomBytes(24).toString('base64url')}`,
    '# npm run kiosk: the local bridge (staging app id, so http is allowed) and the simulated phone',
    `WORLD_ID_BRIDGE_URL=${s.bridgeUrl}`,
    'WORLD_ID_ENVIRONMENT=staging',
    `DEMO_PHONE_URL=${s.phoneUrl}`,
    ...(s.hopperDevice ? [`HOPPER_PORT=${s.hopperDevice}`, `INVENTORY_SEED_COINS=${s.coins ?? 400}`] : []),
    `# open ${s.phoneUrl} to approve (paste the link shown under the kiosk's QR code)`,
  ];
}
