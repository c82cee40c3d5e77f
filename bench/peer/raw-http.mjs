// A minimal HTTP/1.1 keep-alive client over node:net, for bench/peer/storm.mjs --stack raw.
//
// Why it exists: node:http spends 140–280 µs of CPU per request (agent, header objects, events, a promise chain), and
// the load client shares the app's two cores on the build machine, so that cost comes out of the app's share. This
// client writes requests that were serialized before the clock started (as wrk does) and parses only what it needs
// of an answer: the status line, Content-Length or chunked framing, and the body. It is still an independent client:
// its own socket code, framing, timing and percentiles, in another runtime than the app's.
import net from 'node:net';

const CRLF2 = Buffer.from('\r\n\r\n');

/** The bytes of one POST, headers and body, written once per request. */
export function serializePost(url, path, contentType, bearer, body) {
  const head =
    `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n` +
    (bearer ? `Authorization: Bearer ${bearer}\r\n` : '') +
    '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** One keep-alive connection that sends one request at a time and resolves with {status, body: Buffer}. */
export class RawConnection {
  constructor(url) {
    this.url = url;
    this.socket = null;
    this.buffer = Buffer.alloc(0);
    this.pending = null;
  }

  connect() {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.url.hostname, port: Number(this.url.port) }, () => resolve());
      socket.setNoDelay(true);
      // Events of a socket this connection has already replaced are ignored.
      socket.on('data', (chunk) => socket === this.socket && this.onData(chunk));
      socket.on('error', (error) => socket === this.socket && this.fail(error, reject));
      socket.on('close', () => socket === this.socket && this.fail(new Error('connection closed by the server'), reject));
      this.socket = socket;
    });
  }

  async send(bytes) {
    if (this.socket === null || this.socket.destroyed) {
      this.buffer = Buffer.alloc(0);
      await this.connect();
    }
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  close() {
    this.socket?.destroy();
    this.socket = null;
  }

  fail(error, rejectConnect) {
    this.socket = null;
    const pending = this.pending;
    this.pending = null;
    if (pending) pending.reject(error);
    else rejectConnect?.(error);
  }

  onData(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const answer = parseAnswer(this.buffer);
    if (answer === null || this.pending === null) return;
    this.buffer = this.buffer.subarray(answer.consumed);
    const pending = this.pending;
    this.pending = null;
    if (answer.close) this.close();
    pending.resolve({ status: answer.status, body: answer.body });
  }
}

/**
 * One whole answer at the start of `buffer`, or null while it is incomplete:
 * {status, body, consumed: bytes used, close: the server will close the connection}.
 */
export function parseAnswer(buffer) {
  const headEnd = buffer.indexOf(CRLF2);
  if (headEnd < 0) return null;
  const head = buffer.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const lower = head.toLowerCase();
  const close = /\r\nconnection:\s*close/.test(lower);
  const bodyStart = headEnd + 4;
  const length = /\r\ncontent-length:\s*(\d+)/.exec(lower);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return buffer.length < end ? null : { status, body: buffer.subarray(bodyStart, end), consumed: end, close };
  }
  if (/\r\ntransfer-encoding:\s*chunked/.test(lower)) {
    return parseChunked(buffer, bodyStart, status, close);
  }
  // No framing: a body-less answer (e.g. 204, 304) or one ended by closing; the apps under test always frame theirs.
  return { status, body: Buffer.alloc(0), consumed: bodyStart, close };
}

function parseChunked(buffer, start, status, close) {
  const parts = [];
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return null;
    const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error('malformed chunk size');
    const dataStart = lineEnd + 2;
    if (size === 0) {
      // The last chunk, then (no trailers from Kestrel) an empty line.
      const trailerEnd = buffer.indexOf('\r\n', dataStart, 'latin1');
      if (trailerEnd < 0) return null;
      return { status, body: Buffer.concat(parts), consumed: trailerEnd + 2, close };
    }
    if (buffer.length < dataStart + size + 2) return null;
    parts.push(buffer.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}
