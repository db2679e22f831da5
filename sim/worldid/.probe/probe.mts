import { installFetchFileShim } from '/work/main/main/worldid/fetch-file-shim';
import { startBridge } from '/work/main/sim/worldid/bridge';
import { IDKit, orbLegacy, proofOfHuman } from '@worldcoin/idkit-core';
import { signRequest } from '@worldcoin/idkit-server';
import { randomBytes, webcrypto } from 'node:crypto';
installFetchFileShim();
const bridge = await startBridge();
const key = randomBytes(32).toString('hex');
const s = signRequest({ signingKeyHex: key, action: 'cashout' });
const rp = { rp_id: 'rp_0123456789abcdef', nonce: s.nonce, created_at: s.createdAt, expires_at: s.expiresAt, signature: s.sig };
for (const preset of [orbLegacy({ signal: 'tx-1' }), proofOfHuman({ signal: 'tx-1' })]) {
  try {
    const req = await IDKit.request({ app_id: 'app_staging_abc', action: 'cashout', rp_context: rp, allow_legacy_proofs: true, bridge_url: bridge.url, return_to: 'https://world.org/mini-app?app_id=x&path=/p' }).preset(preset);
    console.log(req.connectorURI, req.requestId);
    const u = new URL(req.connectorURI);
    const id = u.searchParams.get('i')!; const k = u.searchParams.get('k')!;
    const r = await fetch(`${bridge.url}/request/${id}`); const body = await r.json() as any;
    const keyBytes = Buffer.from(k, 'base64');
    const ck = await webcrypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['decrypt']);
    const pt = await webcrypto.subtle.decrypt({ name: 'AES-GCM', iv: Buffer.from(body.iv, 'base64') }, ck, Buffer.from(body.payload, 'base64'));
    console.log(JSON.stringify(JSON.parse(Buffer.from(pt).toString()), null, 1));
    console.log(await req.pollOnce());
  } catch (e) { console.log('ERR', typeof e, e); }
}
await bridge.close();
