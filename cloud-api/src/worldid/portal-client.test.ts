import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_RP_ID, startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { PortalUnavailableError, verifyWithPortal } from './portal-client';

/** Drives the client against the fake portal over real HTTP; result bodies come from portal.test.ts's rules. */
describe('verifyWithPortal', () => {
  let portal: FakePortal;
  beforeEach(async () => {
    portal = await startFakePortal({ rpIds: [SIM_RP_ID] });
  });
  afterEach(() => portal.close());

  const cfg = () => ({ baseUrl: portal.url, rpId: SIM_RP_ID, retryDelayMs: 1 });
  const junkResult = { protocol_version: '4.0', nonce: '0x01', action: 'a', responses: [{ identifier: 'x', nullifier: '0x01', proof: ['1', '2', '3', '4', '5'] }] };

  it('maps a refused proof to proof_invalid without retrying', async () => {
    const verdict = await verifyWithPortal(cfg(), junkResult);
    expect(verdict).toMatchObject({ ok: false, code: 'proof_invalid' });
    if (!verdict.ok) expect(verdict.message).toMatch(/all_verifications_failed/);
    expect(portal.calls()).toHaveLength(1);
  });

  it('retries a 5xx twice, then throws PortalUnavailableError with code dependency_down', async () => {
    portal.setMode('fail_5xx');
    const failing = verifyWithPortal(cfg(), junkResult);
    await expect(failing).rejects.toBeInstanceOf(PortalUnavailableError);
    await expect(failing).rejects.toMatchObject({ code: 'dependency_down' });
    expect(portal.calls()).toHaveLength(3);
  });

  it('honours a custom retry count', async () => {
    portal.setMode('fail_5xx');
    await expect(verifyWithPortal({ ...cfg(), retries: 0 }, junkResult)).rejects.toBeInstanceOf(PortalUnavailableError);
    expect(portal.calls()).toHaveLength(1);
  });

  it('gives up on a portal that never answers after timeoutMs per try', async () => {
    portal.setMode('timeout');
    const started = Date.now();
    await expect(verifyWithPortal({ ...cfg(), timeoutMs: 100, retries: 1 }, junkResult)).rejects.toMatchObject({ code: 'dependency_down' });
    expect(portal.calls()).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('throws at once when the portal does not know the rp id', async () => {
    await expect(verifyWithPortal({ ...cfg(), rpId: 'rp_ffff' }, junkResult)).rejects.toThrow(/rp_id/);
    expect(portal.calls()).toHaveLength(1);
  });

  it('treats an unreachable portal as unavailable', async () => {
    const url = portal.url;
    await portal.close();
    await expect(verifyWithPortal({ baseUrl: url, rpId: SIM_RP_ID, retryDelayMs: 1 }, junkResult)).rejects.toBeInstanceOf(PortalUnavailableError);
    portal = await startFakePortal();
  });
});
