/** The kiosk's requests to the cloud as the test proxy sees them: the moments chaos scenarios act at. */
export const isRegister = (m: string, p: string) => m === 'POST' && p === '/v1/transactions';
export const isVerify = (m: string, p: string) => m === 'POST' && /^\/v1\/transactions\/[^/]+\/world-id$/.test(p);
export const isAck = (m: string, p: string) => m === 'POST' && /^\/v1\/jobs\/[^/]+\/ack$/.test(p);
export const isJobDelivery = (m: string, p: string, status: number) => m === 'GET' && p.startsWith('/v1/jobs/next') && status === 200;
/** The sync request that carries this cash-out's payout result. */
export const isResultSync = (m: string, p: string, body: string) => m === 'POST' && p === '/v1/sync' && body.includes('"payout.result"');

/** The pay screen's poll: has a payment of this transaction been submitted (issue 15)? */
export const isPaymentPoll = (m: string, p: string, txId: string) => m === 'GET' && p === `/v1/transactions/${txId}/status`;
