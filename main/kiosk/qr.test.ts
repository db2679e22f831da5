import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, newId } from '../../contract/clock';
import { createRpContext, generateSigningKeyHex } from '../../cloud-api/src/worldid/rp-context';
import { startBridge, type Bridge } from '../../sim/worldid/bridge';
import { SIM_APP_ID, SIM_RP_ID } from '../../sim/worldid/portal';
import { startWorldIdRequest } from '../worldid/request';
import { qrSvg, qrVersion } from './qr';

/** Issue 16: the QR is the least dense code the connector URI allows. */
describe('kiosk QR codes', () => {
  let bridge: Bridge;
  let uri: string;
  beforeAll(async () => {
    bridge = await startBridge();
    const rpContext = createRpContext({ rpId: SIM_RP_ID, signingKeyHex: generateSigningKeyHex(), action: 'act' }, new ManualClock(Date.now()));
    const request = await startWorldIdRequest({ appId: SIM_APP_ID, action: 'act', rpContext, signal: newId(), bridgeUrl: bridge.url, returnTo: 'https://pay.example.test/next', allowStaging: true });
    uri = request.connectorURI;
  });
  afterAll(() => bridge.close());

  it('uses no more modules than any error-correction level or the old default (M) would for a real connector URI', () => {
    const versions = (['L', 'M', 'Q', 'H'] as const).map((level) => QRCode.create(uri, { errorCorrectionLevel: level }).version);
    expect(qrVersion(uri)).toBe(Math.min(...versions));
    expect(qrVersion(uri)).toBeLessThan(QRCode.create(uri, {}).version);
  });

  it('draws that version: the SVG is (17 + 4 × version + 2 × margin) modules wide', async () => {
    const svg = await qrSvg(uri);
    const size = 17 + 4 * qrVersion(uri) + 2 * 2;
    expect(svg).toContain(`viewBox="0 0 ${size} ${size}"`);
  });
});
