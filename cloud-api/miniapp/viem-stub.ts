/**
 * Stands in for `viem` and `viem/chains` in the mini app bundle. minikit-js 2.0.3 imports them only for
 * walletAuth/SIWE and its EIP-1193 provider, which this page never uses; `pay` is native-only
 * (World App message, no viem). Anything else that reaches here fails loudly instead of guessing.
 */
const unavailable = (name: string) => () => {
  throw new Error(`viem.${name} is not bundled in the RoluATM payment page`);
};

/** Returned unchanged: the page never checksums addresses. */
export const getAddress = (address: string): string => address;
export const createPublicClient = unavailable('createPublicClient');
export const getContract = unavailable('getContract');
export const hashMessage = unavailable('hashMessage');
export const http = unavailable('http');
export const recoverMessageAddress = unavailable('recoverMessageAddress');
export const worldchain = { id: 480, name: 'World Chain' };
