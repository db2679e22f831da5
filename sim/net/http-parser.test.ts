import { describe, expect, it } from 'vitest';
import { HttpMessageReader, HttpParseError, wantsKeepAlive } from './http-parser';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('HttpMessageReader', () => {
  it('splits two pipelined requests and keeps their exact bytes', () => {
    const first = 'POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello';
    const second = 'GET /v1/jobs/next?wait=25 HTTP/1.1\r\nHost: x\r\n\r\n';
    const r = new HttpMessageReader('request');
    r.push(b(first + second));
    const a = r.next();
    const c = r.next();
    expect(a?.raw.toString('latin1')).toBe(first);
    expect(a?.head).toMatchObject({ method: 'POST', target: '/v1/sync', version: 'HTTP/1.1' });
    expect(c?.raw.toString('latin1')).toBe(second);
    expect(c?.head.target).toBe('/v1/jobs/next?wait=25');
    expect(r.next()).toBeNull();
  });

  it('waits for the whole body when bytes arrive one at a time', () => {
    const text = 'POST /a HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc';
    const r = new HttpMessageReader('request');
    const results = [...text].map((ch) => {
      r.push(b(ch));
      return r.next();
    });
    expect(results.slice(0, -1).every((m) => m === null)).toBe(true);
    expect(results.at(-1)?.raw.toString('latin1')).toBe(text);
  });

  it('finds the end of a chunked response with extensions and trailers', () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n1\r\n!\r\n0\r\nX-Trailer: 1\r\n\r\n';
    const r = new HttpMessageReader('response');
    r.push(b(text.slice(0, -2)));
    expect(r.next()).toBeNull();
    r.push(b('\r\nHTTP/1.1 204 No Content\r\n\r\n'));
    expect(r.next()?.raw.toString('latin1')).toBe(text);
    expect(r.next()?.head.status).toBe(204);
  });

  it('gives a response to HEAD no body even with a content-length', () => {
    const r = new HttpMessageReader('response');
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n';
    r.push(b(head));
    expect(r.next()).toBeNull();
    expect(r.next('HEAD')?.raw.toString('latin1')).toBe(head);
  });

  it('ends a response without length only when the server closes', () => {
    const r = new HttpMessageReader('response');
    r.push(b('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npartial'));
    expect(r.next()).toBeNull();
    r.push(b(' and the rest'));
    expect(r.finish()?.raw.toString('latin1')).toMatch(/partial and the rest$/);
  });

  it('rejects garbage, conflicting lengths and bad chunk sizes with a code', () => {
    const cases = [
      'NOT HTTP\r\n\r\n',
      'POST /a HTTP/1.1\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\n',
      'POST /a HTTP/1.1\r\n folded: no\r\n\r\n',
      'POST /a HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
    ];
    for (const text of cases) {
      const r = new HttpMessageReader('request');
      r.push(b(text));
      expect(() => r.next(), text).toThrow(HttpParseError);
    }
  });

  it('refuses a message larger than its limit', () => {
    const r = new HttpMessageReader('request', 100);
    r.push(b(`POST /a HTTP/1.1\r\ncontent-length: 1000\r\n\r\n${'x'.repeat(200)}`));
    expect(() => r.next()).toThrow(/larger than 100 bytes/);
  });
});

describe('wantsKeepAlive', () => {
  it('keeps HTTP/1.1 open unless told to close, and HTTP/1.0 only when asked', () => {
    const head = (text: string) => {
      const r = new HttpMessageReader('request');
      r.push(b(`${text}\r\n\r\n`));
      const m = r.next();
      if (!m) throw new Error('no message');
      return m.head;
    };
    expect(wantsKeepAlive(head('GET / HTTP/1.1'))).toBe(true);
    expect(wantsKeepAlive(head('GET / HTTP/1.1\r\nConnection: Close'))).toBe(false);
    expect(wantsKeepAlive(head('GET / HTTP/1.0'))).toBe(false);
    expect(wantsKeepAlive(head('GET / HTTP/1.0\r\nConnection: keep-alive'))).toBe(true);
  });
});
