import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KioskStateSchema, type FlowState, type KioskState } from '../contract/kiosk-api';
import {
  compareVersions, DEFAULT_UPDATE_POLICY, downloadDecision, installBlocker, nextUpdateStep, updaterSettingsProblems, type UpdaterPhase,
} from './update-policy';
import { SIGNATURE_FIELD, signRelease } from './release-signature';

function kioskState(over: { flow?: FlowState; admin_open?: boolean; online?: boolean; hopper?: Partial<KioskState['hopper']> } = {}): KioskState {
  return KioskStateSchema.parse({
    flow: over.flow ?? { screen: 'idle' },
    online: over.online ?? true,
    out_of_service: null,
    hopper: { connected: true, ok: true, serial: 1, faults: [], coins_available: 100, ...over.hopper },
    free_coins: 100,
    limits: { min_cents: 100, max_cents: 5000, presets_cents: [500] },
    fee: { flat_cents: 0, bps: 0 },
    version: '0.1.0',
    demo_phone_url: null,
    payment_mode: null, support_contact: null, day_time_zone: null,
    admin_open: over.admin_open ?? false,
  });
}

const SHA = `${'A'.repeat(86)}==`;
const release = generateKeyPairSync('ed25519');
const KEYS = [release.publicKey];
/** An offer signed with the trusted release key (electron/release-signature.ts). */
function offer(version: string, sha512: string = SHA, url = `RoluATM-${version}-arm64.AppImage`) {
  const sig = signRelease(release.privateKey, release.publicKey, { version, file: url, sha512, size: 1000 });
  return { version, files: [{ url, sha512, size: 1000 }], releaseDate: '2026-11-01', [SIGNATURE_FIELD]: sig };
}

describe('installBlocker', () => {
  it('allows installing only with the customer screen idle and no admin session', () => {
    expect(installBlocker(kioskState())).toBeNull();
    expect(installBlocker(kioskState({ admin_open: true }))).toBe('admin_open');
    expect(installBlocker(kioskState({ flow: { screen: 'registering', kind: 'cash_out', amount_cents: 500 } }))).toBe('customer_session');
    expect(installBlocker(null)).toBe('state_unknown');
  });

  it('defers during every non-idle customer screen, including a payout', () => {
    for (const screen of ['scan', 'verifying', 'waiting_payment', 'confirming_payment', 'collecting', 'nothing_owed', 'dispensing', 'done', 'error'] as const) {
      const flow = { screen, transaction_id: 't', amount_cents: 500, coins: 20, fee_cents: 0, total_cents: 500 } as unknown as FlowState;
      expect(installBlocker({ ...kioskState(), flow }), screen).toBe('customer_session');
    }
  });
});

describe('nextUpdateStep', () => {
  const start = 1_000_000;
  const at = (phase: UpdaterPhase, nowMs: number, state: KioskState | null = kioskState()) => nextUpdateStep({ phase, nowMs, startedAtMs: start, state });

  it('waits after start-up, then checks on schedule', () => {
    expect(at({ kind: 'idle', lastCheckAtMs: null }, start + 1)).toEqual({ kind: 'wait', untilMs: start + DEFAULT_UPDATE_POLICY.firstCheckAfterMs });
    expect(at({ kind: 'idle', lastCheckAtMs: null }, start + DEFAULT_UPDATE_POLICY.firstCheckAfterMs)).toEqual({ kind: 'check' });
    const last = start + 10_000_000;
    expect(at({ kind: 'idle', lastCheckAtMs: last }, last + DEFAULT_UPDATE_POLICY.checkEveryMs - 1)).toMatchObject({ kind: 'wait' });
    expect(at({ kind: 'idle', lastCheckAtMs: last }, last + DEFAULT_UPDATE_POLICY.checkEveryMs)).toEqual({ kind: 'check' });
  });

  it('never starts another check while one is checking, downloading or installing', () => {
    for (const phase of [{ kind: 'checking' }, { kind: 'downloading', version: '0.2.0' }, { kind: 'installing', version: '0.2.0' }] as UpdaterPhase[]) {
      expect(at(phase, start * 10)).toEqual({ kind: 'wait', untilMs: null });
    }
  });

  it('installs a downloaded update when idle, and defers it during a session or an admin visit', () => {
    const phase: UpdaterPhase = { kind: 'downloaded', version: '0.2.0' };
    expect(at(phase, start)).toEqual({ kind: 'install', version: '0.2.0' });
    expect(at(phase, start, kioskState({ admin_open: true }))).toEqual({ kind: 'defer', version: '0.2.0', reason: 'admin_open' });
    expect(at(phase, start, kioskState({ flow: { screen: 'registering', kind: 'cash_out', amount_cents: 100 } }))).toEqual({ kind: 'defer', version: '0.2.0', reason: 'customer_session' });
    expect(at(phase, start, null)).toEqual({ kind: 'defer', version: '0.2.0', reason: 'state_unknown' });
  });
});

describe('downloadDecision', () => {
  it('downloads a newer version with a well-formed sha512', () => {
    expect(downloadDecision(offer('0.2.0'), '0.1.0', [], KEYS)).toMatchObject({ download: true, info: { version: '0.2.0' }, release: { file: 'RoluATM-0.2.0-arm64.AppImage', sha512: SHA, size: 1000 } });
  });

  it('refuses the same, an older, or a known-bad version', () => {
    expect(downloadDecision(offer('0.1.0'), '0.1.0', [], KEYS)).toMatchObject({ download: false, reason: 'not_newer' });
    expect(downloadDecision(offer('0.0.9'), '0.1.0', [], KEYS)).toMatchObject({ download: false, reason: 'not_newer' });
    expect(downloadDecision(offer('0.2.0'), '0.1.0', ['0.2.0'], KEYS)).toMatchObject({ download: false, reason: 'known_bad' });
  });

  it('refuses metadata without a sha512, with a malformed one, or with no files', () => {
    expect(downloadDecision({ version: '0.2.0', files: [{ url: 'x.AppImage' }] }, '0.1.0', [], KEYS)).toMatchObject({ download: false, reason: 'metadata_invalid', detail: expect.stringMatching(/sha512/) });
    expect(downloadDecision(offer('0.2.0', 'deadbeef'), '0.1.0', [], KEYS)).toMatchObject({ download: false, reason: 'metadata_invalid' });
    expect(downloadDecision({ version: '0.2.0', files: [] }, '0.1.0', [], KEYS)).toMatchObject({ download: false, reason: 'metadata_invalid' });
    expect(downloadDecision(offer('0.2.0', SHA, 'RoluATM-0.2.0.deb'), '0.1.0', [], KEYS)).toMatchObject({ download: false, detail: expect.stringMatching(/AppImage/) });
    expect(downloadDecision(offer('latest'), '0.1.0', [], KEYS)).toMatchObject({ download: false, reason: 'metadata_invalid' });
  });

  it('refuses an unsigned offer before looking at its version', () => {
    const { [SIGNATURE_FIELD]: _signature, ...unsigned } = offer('9.0.0');
    expect(downloadDecision(unsigned, '0.1.0', [], KEYS)).toMatchObject({ download: false, reason: 'unsigned' });
  });
});

describe('compareVersions', () => {
  it('orders by semver precedence, pre-releases before their release', () => {
    expect(compareVersions('0.10.0', '0.9.9')).toBe(1);
    expect(compareVersions('1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(compareVersions('1.0.0+build.5', '1.0.0')).toBe(0);
    expect(() => compareVersions('1.0', '1.0.0')).toThrow(/not a version/);
  });
});

describe('updaterSettingsProblems', () => {
  const safe = { autoDownload: false, autoInstallOnAppQuit: false, allowDowngrade: false, allowPrerelease: false, feedUrl: 'https://updates.example/roluatm', releaseKeys: 1 };

  it('accepts the settings the kiosk uses', () => {
    expect(updaterSettingsProblems(safe)).toEqual([]);
  });

  it('names every unsafe setting', () => {
    const problems = updaterSettingsProblems({ ...safe, autoDownload: true, autoInstallOnAppQuit: true, allowDowngrade: true, feedUrl: 'http://updates.example/' });
    expect(problems).toHaveLength(4);
    expect(updaterSettingsProblems({ ...safe, releaseKeys: 0 })).toEqual([expect.stringMatching(/ROLUATM_RELEASE_KEYS/)]);
    expect(updaterSettingsProblems({ ...safe, feedUrl: 'http://127.0.0.1:8080/feed' })).toEqual([]);
  });
});
