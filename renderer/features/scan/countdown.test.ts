import { describe, expect, it } from 'vitest';
import { demoPhoneHref, formatCountdown, secondsLeft, svgDataUrl } from './countdown';

describe('countdown', () => {
  const expires = '2026-01-01T00:05:00.000Z';
  it('counts whole seconds up to the expiry and stops at zero', () => {
    expect(secondsLeft(expires, Date.parse('2026-01-01T00:00:00.000Z'))).toBe(300);
    expect(secondsLeft(expires, Date.parse('2026-01-01T00:04:59.200Z'))).toBe(1);
    expect(secondsLeft(expires, Date.parse('2026-01-01T00:06:00.000Z'))).toBe(0);
  });
  it('reads nothing from an unreadable expiry', () => {
    expect(secondsLeft('soon', 0)).toBeNull();
  });
  it('formats minutes and seconds', () => {
    expect([300, 61, 9, 0].map(formatCountdown)).toEqual(['5:00', '1:01', '0:09', '0:00']);
  });
});

describe('QR helpers', () => {
  it('makes an SVG data URL that decodes back to the markup', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1v1H0z#"/></svg>';
    const url = svgDataUrl(svg);
    expect(url.startsWith('data:image/svg+xml;utf8,')).toBe(true);
    expect(decodeURIComponent(url.slice('data:image/svg+xml;utf8,'.length))).toBe(svg);
  });
  it('links the demo phone with the connector URI encoded as one parameter', () => {
    const href = demoPhoneHref('http://127.0.0.1:4200/phone', 'https://world.org/verify?t=wld&i=a b');
    expect(new URL(href).searchParams.get('uri')).toBe('https://world.org/verify?t=wld&i=a b');
  });
});
