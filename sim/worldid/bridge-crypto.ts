import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptedBody } from './bridge-store';

/**
 * Bridge payload encryption (world-id.md "Bridge wire protocol"): AES-256-GCM, 32-byte key,
 * 12-byte IV, standard base64, the 16-byte tag appended to the ciphertext (WebCrypto's layout).
 */
const TAG_BYTES = 16;

export class BridgeCryptoError extends Error {
  readonly code = 'bridge_crypto';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function parseBridgeKey(base64Key: string): Buffer {
  const key = Buffer.from(base64Key, 'base64');
  if (key.length !== 32) throw new BridgeCryptoError(`bridge key must be 32 bytes, got ${key.length}; rescan the QR code`);
  return key;
}

export function encryptForBridge(key: Buffer, plaintext: string): EncryptedBody {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64'), payload: body.toString('base64') };
}

export function decryptFromBridge(key: Buffer, message: EncryptedBody): string {
  const iv = Buffer.from(message.iv, 'base64');
  const data = Buffer.from(message.payload, 'base64');
  if (iv.length !== 12 || data.length < TAG_BYTES) throw new BridgeCryptoError('bridge message has a bad IV or is too short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new BridgeCryptoError('bridge message does not decrypt with this key (tampered or wrong QR code)', { cause });
  }
}
