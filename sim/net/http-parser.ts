/**
 * Just enough HTTP/1.1 framing (RFC 9112) for the fault proxy to find where each request and response
 * ends on a keep-alive connection. Messages are returned as their exact bytes, so forwarding them
 * changes nothing. Not supported: obs-fold header lines (§5.2, rejected), upgrades/CONNECT tunnels.
 */

export type MessageKind = 'request' | 'response';

export interface HttpHead {
  kind: MessageKind;
  /** 'HTTP/1.1' or 'HTTP/1.0'. */
  version: string;
  /** Requests only ('' for responses). */
  method: string;
  /** Request-target as sent, e.g. '/v1/jobs/next?wait=25' (requests only). */
  target: string;
  /** Responses only (0 for requests). */
  status: number;
  /** Field names lower-cased, values trimmed, in wire order. */
  headers: ReadonlyArray<readonly [string, string]>;
}

export interface HttpMessage {
  head: HttpHead;
  /** The exact bytes of the message: head, CRLFCRLF and the framed body. */
  raw: Buffer;
  /** Bytes of the head including the blank line; the body framing starts here. */
  headLength: number;
}

export type BodyFraming =
  | { type: 'none' }
  | { type: 'length'; length: number }
  | { type: 'chunked' }
  /** A response without length ends when the server closes (RFC 9112 §6.3 rule 8). */
  | { type: 'close' };

export class HttpParseError extends Error {
  readonly code = 'http_parse_error';
  constructor(message: string) {
    super(`${message}; the peer sent something that is not HTTP/1.1 — check what talks to the proxy`);
  }
}

export const MAX_HEAD_BYTES = 64 * 1024;
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const REQUEST_LINE = new RegExp(`^(${TOKEN}) (\\S+) (HTTP/\\d\\.\\d)$`);
const STATUS_LINE = /^(HTTP\/\d\.\d) (\d{3})(?: .*)?$/;
const FIELD_LINE = new RegExp(`^(${TOKEN}):[ \\t]*(.*?)[ \\t]*$`);

/** Parses the head (without the final CRLFCRLF). */
export function parseHead(kind: MessageKind, bytes: Buffer): HttpHead {
  const [first = '', ...lines] = bytes.toString('latin1').split('\r\n');
  const head: HttpHead = { kind, version: '', method: '', target: '', status: 0, headers: [] };
  if (kind === 'request') {
    const m = REQUEST_LINE.exec(first);
    if (!m) throw new HttpParseError(`bad request line ${JSON.stringify(first.slice(0, 80))}`);
    Object.assign(head, { method: m[1], target: m[2], version: m[3] });
  } else {
    const m = STATUS_LINE.exec(first);
    if (!m) throw new HttpParseError(`bad status line ${JSON.stringify(first.slice(0, 80))}`);
    Object.assign(head, { version: m[1], status: Number(m[2]) });
  }
  head.headers = lines.map((line) => {
    const m = FIELD_LINE.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) throw new HttpParseError(`bad header line ${JSON.stringify(line.slice(0, 80))}`);
    return [m[1].toLowerCase(), m[2]] as const;
  });
  return head;
}

/** All values of a field joined with ', ' (RFC 9110 §5.3), or undefined when absent. */
export function headerValue(head: HttpHead, name: string): string | undefined {
  const values = head.headers.filter(([n]) => n === name).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(', ');
}

/** Whether the connection stays open after this message (RFC 9112 §9.3). */
export function wantsKeepAlive(head: HttpHead): boolean {
  const options = (headerValue(head, 'connection') ?? '').toLowerCase().split(',').map((s) => s.trim());
  if (options.includes('close')) return false;
  return head.version === 'HTTP/1.1' || options.includes('keep-alive');
}

/** How the body of a message is delimited (RFC 9112 §6.3); `requestMethod` matters for responses to HEAD. */
export function bodyFraming(head: HttpHead, requestMethod = 'GET'): BodyFraming {
  if (head.kind === 'response') {
    const s = head.status;
    if ((s >= 100 && s < 200) || s === 204 || s === 304 || requestMethod === 'HEAD') return { type: 'none' };
  }
  const te = headerValue(head, 'transfer-encoding');
  if (te !== undefined) {
    const last = te.toLowerCase().split(',').map((s) => s.trim()).pop();
    if (last === 'chunked') return { type: 'chunked' };
    if (head.kind === 'request') throw new HttpParseError('request transfer-encoding does not end in chunked');
    return { type: 'close' };
  }
  const cl = headerValue(head, 'content-length');
  if (cl !== undefined) {
    const values = new Set(cl.split(',').map((s) => s.trim()));
    const [only] = [...values];
    if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) throw new HttpParseError(`bad content-length ${JSON.stringify(cl)}`);
    return { type: 'length', length: Number(only) };
  }
  return head.kind === 'request' ? { type: 'none' } : { type: 'close' };
}

/**
 * Where a chunked body that starts at `start` ends (RFC 9112 §7.1), or null when more bytes are needed.
 * Every round consumes at least 3 bytes, so the loop is bounded by the buffer length.
 */
export function chunkedEnd(buf: Buffer, start: number): number | null {
  let pos = start;
  for (let round = 0; round <= buf.length; round++) {
    const lineEnd = buf.indexOf('\r\n', pos);
    if (lineEnd < 0) return null;
    const sizeText = (buf.toString('latin1', pos, lineEnd).split(';')[0] ?? '').trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw new HttpParseError(`bad chunk size ${JSON.stringify(sizeText.slice(0, 20))}`);
    const size = parseInt(sizeText, 16);
    pos = lineEnd + 2;
    if (size === 0) return trailerEnd(buf, pos);
    if (buf.length < pos + size + 2) return null;
    if (buf[pos + size] !== 0x0d || buf[pos + size + 1] !== 0x0a) throw new HttpParseError('chunk data is not followed by CRLF');
    pos += size + 2;
  }
  return null;
}

/** The trailer section ends with an empty line (RFC 9112 §7.1.2). */
function trailerEnd(buf: Buffer, start: number): number | null {
  let pos = start;
  for (let round = 0; round <= buf.length; round++) {
    const lineEnd = buf.indexOf('\r\n', pos);
    if (lineEnd < 0) return null;
    if (lineEnd === pos) return pos + 2;
    pos = lineEnd + 2;
  }
  return null;
}

/** Splits a byte stream into whole messages. Push bytes as they arrive; take messages with `next()`. */
export class HttpMessageReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly kind: MessageKind,
    private readonly maxMessageBytes = MAX_MESSAGE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  get bufferedBytes(): number {
    return this.buf.length;
  }

  /** The next whole message, or null until more bytes arrive. Throws HttpParseError on garbage. */
  next(requestMethod?: string): HttpMessage | null {
    // A server ignores empty lines before a request-line (RFC 9112 §2.2).
    if (this.kind === 'request') this.skipLeadingCrlf();
    const found = this.locate(requestMethod);
    if (found === null) {
      if (this.buf.length > this.maxMessageBytes) throw new HttpParseError(`message larger than ${this.maxMessageBytes} bytes`);
      return null;
    }
    return this.take(found.head, found.headLength, found.end);
  }

  /** The peer closed: a close-delimited response ends with the bytes buffered so far. */
  finish(requestMethod?: string): HttpMessage | null {
    const headEnd = this.buf.indexOf('\r\n\r\n');
    if (headEnd < 0) return null;
    const head = parseHead(this.kind, this.buf.subarray(0, headEnd));
    if (bodyFraming(head, requestMethod).type !== 'close') return null;
    return this.take(head, headEnd + 4, this.buf.length);
  }

  private locate(requestMethod?: string): { head: HttpHead; headLength: number; end: number } | null {
    const headEnd = this.buf.indexOf('\r\n\r\n');
    if (headEnd < 0) {
      if (this.buf.length > MAX_HEAD_BYTES) throw new HttpParseError(`head larger than ${MAX_HEAD_BYTES} bytes`);
      return null;
    }
    const head = parseHead(this.kind, this.buf.subarray(0, headEnd));
    const headLength = headEnd + 4;
    const framing = bodyFraming(head, requestMethod);
    let end: number | null = null;
    if (framing.type === 'none') end = headLength;
    else if (framing.type === 'length') end = this.buf.length >= headLength + framing.length ? headLength + framing.length : null;
    else if (framing.type === 'chunked') end = chunkedEnd(this.buf, headLength);
    return end === null ? null : { head, headLength, end };
  }

  private take(head: HttpHead, headLength: number, end: number): HttpMessage {
    const raw = Buffer.from(this.buf.subarray(0, end));
    this.buf = this.buf.subarray(end);
    return { head, raw, headLength };
  }

  private skipLeadingCrlf(): void {
    let i = 0;
    while (i + 1 < this.buf.length && this.buf[i] === 0x0d && this.buf[i + 1] === 0x0a) i += 2;
    if (i > 0) this.buf = this.buf.subarray(i);
  }
}
