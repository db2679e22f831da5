import { describe, expect, it } from 'vitest';
import { kioskWsUrl, tokenFromSearch } from './ws-url';

describe('kioskWsUrl', () => {
  it('points at the kiosk-api path of the page host with the token from the page URL', () => {
    expect(kioskWsUrl({ protocol: 'http:', host: '127.0.0.1:4100', search: '?token=abc' })).toBe('ws://127.0.0.1:4100/kiosk-api?token=abc');
  });
  it('uses wss on an https page and encodes the token', () => {
    expect(kioskWsUrl({ protocol: 'https:', host: 'k.local', search: '?x=1&token=a%2Bb%26c' })).toBe('wss://k.local/kiosk-api?token=a%2Bb%26c');
  });
  it('reads no token from a URL without one', () => {
    expect(tokenFromSearch('')).toBeNull();
    expect(tokenFromSearch('?token=')).toBeNull();
  });
});
