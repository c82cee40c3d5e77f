#!/usr/bin/env node
// wechatpay-peer.mjs — a stdin/stdout "peer" that lets the C# tests cross-check our WeChat Pay APIv3 code against
// the Node SDK npm wechatpay-axios-plugin@0.9.6 (TheNorthMemory's, referenced by WeChat Pay's own docs), and decode
// our QR codes with npm jsqr.
//
// Protocol: read ONE JSON object from stdin, write ONE JSON object (one line) to stdout.
//   exit 0 — the command ran; a failed verification is data ({"valid":false,...}).
//   exit 2 — usage error (bad JSON, unknown cmd, missing field); exit 1 — internal error. Message on stderr.
//
// Commands (field "cmd"):
//   sign-request    {method, uri, timestamp, nonce, body, privateKey, mchid, serial} -> {message, signature, authorization}
//   verify-request  {method, uri, timestamp, nonce, body, signature, publicKey}      -> {valid, message}
//   sign-response   {timestamp, nonce, body, privateKey}                              -> {message, signature}
//   verify-response {headers, body, certs: {serial: publicKeyPem}}                   -> {valid, error?}  (the SDK's own response verifier)
//   encrypt         {plaintext, key, nonce, aad}                                      -> {ciphertext}    (AEAD_AES_256_GCM)
//   decrypt         {ciphertext, key, nonce, aad}                                     -> {plaintext} | {error}
//   sdk-call        {mchid, serial, privateKey, certs, method, path, body?, reply: {status, headers, body}}
//                   -> {request: {method, url, authorization, body}, ok, data?, error?}
//                   The SDK's whole client calls a local server that records the request and answers `reply`.
//   download-certificates {baseURL, mchid, serial, privateKey, key}
//                   -> {ok, data?, certs?: {serial: pem}, error?}
//                   The SDK's own certificate downloader (`wxpay crt`, bin/cli/cert.js): GET v3/certificates signed by the
//                   SDK, each encrypt_certificate decrypted with Aes.AesGcm, and the answer verified with the certificates
//                   it brings.
//   qr-decode       {modules: ["0101…", …]} (dark = 1, no quiet zone)                -> {data} | {error}

import { createRequire } from 'node:module';
import { createServer } from 'node:http';

const require = createRequire(import.meta.url);
const { Wechatpay, Rsa, Aes, Formatter, Decorator } = require('wechatpay-axios-plugin');
const jsQR = require('jsqr');
const SDK_VERSION = require('wechatpay-axios-plugin/package.json').version;

class UsageError extends Error {}
const need = (o, k) => {
  if (o[k] === undefined || o[k] === null || o[k] === '') throw new UsageError(`missing field "${k}"`);
  return o[k];
};
const privateKey = (pem) => Rsa.from(pem, Rsa.KEY_TYPE_PRIVATE);
const publicKey = (pem) => Rsa.from(pem, Rsa.KEY_TYPE_PUBLIC);

const commands = {
  'sign-request'(req) {
    const message = Formatter.request(need(req, 'method'), need(req, 'uri'), need(req, 'timestamp'), need(req, 'nonce'), req.body ?? '');
    const signature = Rsa.sign(message, privateKey(need(req, 'privateKey')));
    return { message, signature, authorization: Formatter.authorization(need(req, 'mchid'), req.nonce, signature, req.timestamp, need(req, 'serial')) };
  },
  'verify-request'(req) {
    const message = Formatter.request(need(req, 'method'), need(req, 'uri'), need(req, 'timestamp'), need(req, 'nonce'), req.body ?? '');
    return { valid: Rsa.verify(message, need(req, 'signature'), publicKey(need(req, 'publicKey'))), message };
  },
  'sign-response'(req) {
    const message = Formatter.response(need(req, 'timestamp'), need(req, 'nonce'), req.body ?? '');
    return { message, signature: Rsa.sign(message, privateKey(need(req, 'privateKey'))) };
  },
  'verify-response'(req) {
    const certs = Object.fromEntries(Object.entries(need(req, 'certs')).map(([k, v]) => [k, publicKey(v)]));
    const verifier = Decorator.responseVerifier(certs);
    const out = verifier.call({ url: '/v3/pay/transactions/native', validateStatus: (s) => s >= 200 && s < 300 }, req.body ?? '', need(req, 'headers'), 200);
    return out instanceof Error ? { valid: false, error: `${out.code}: ${out.message}` } : { valid: true };
  },
  encrypt(req) {
    return { ciphertext: Aes.AesGcm.encrypt(need(req, 'plaintext'), need(req, 'key'), need(req, 'nonce'), req.aad ?? '') };
  },
  decrypt(req) {
    try {
      return { plaintext: Aes.AesGcm.decrypt(need(req, 'ciphertext'), need(req, 'key'), need(req, 'nonce'), req.aad ?? '') };
    } catch (e) {
      return { error: `${e.name}: ${e.message}` };
    }
  },
  async 'sdk-call'(req) {
    const reply = need(req, 'reply');
    let seen;
    const server = createServer((request, response) => {
      const chunks = [];
      request.on('data', (c) => chunks.push(c));
      request.on('end', () => {
        seen = { method: request.method, url: request.url, authorization: request.headers.authorization, body: Buffer.concat(chunks).toString('utf8') };
        response.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json', ...(reply.headers ?? {}) });
        response.end(reply.body ?? '');
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    try {
      const wxpay = new Wechatpay({
        mchid: need(req, 'mchid'), serial: need(req, 'serial'), privateKey: need(req, 'privateKey'), certs: need(req, 'certs'),
        baseURL: `http://127.0.0.1:${server.address().port}/`,
      });
      const method = need(req, 'method').toLowerCase();
      const path = need(req, 'path');
      try {
        const res = method === 'get'
          ? await wxpay.chain(path).get()
          : await wxpay.chain(path).post(req.body ?? {});
        return { request: seen, ok: true, data: res.data };
      } catch (e) {
        return { request: seen, ok: false, error: `${e.code ?? e.name}: ${e.message}` };
      }
    } finally {
      server.closeAllConnections?.();
      server.close();
    }
  },
  async 'download-certificates'(req) {
    const secret = need(req, 'key');
    const config = {
      baseURL: need(req, 'baseURL'), mchid: need(req, 'mchid'), serial: need(req, 'serial'), privateKey: need(req, 'privateKey'), certs: { any: undefined },
    };
    const wxpay = new Wechatpay(config);
    // As bin/cli/cert.js does it: decrypt into the verifier's certs before the SDK's response verifier runs. In 0.9.6
    // the constructor replaces config.certs by the copy its verifier reads, so the CLI's own object is not that one;
    // this writes into the copy (the same bootstrap rule: the download verifies with what it brings).
    const certs = config.certs;
    const pems = {};
    const injector = (response) => {
      (JSON.parse(response).data || []).forEach(({ serial_no: serialNo, encrypt_certificate: { nonce, associated_data: aad, ciphertext } }) => {
        pems[serialNo] = Aes.AesGcm.decrypt(ciphertext, secret, nonce, aad);
        certs[serialNo] = pems[serialNo];
      });
      return response;
    };
    try {
      const { data } = await wxpay.v3.certificates.get({ transformResponse: [injector, ...wxpay.client.v3.defaults.transformResponse] });
      return { ok: true, data, certs: pems };
    } catch (e) {
      return { ok: false, error: `${e.code ?? e.name}: ${e.message}` };
    }
  },
  'qr-decode'(req) {
    const rows = need(req, 'modules');
    const scale = 4;
    const quiet = 4;
    const size = (rows.length + quiet * 2) * scale;
    const pixels = new Uint8ClampedArray(size * size * 4).fill(255);
    rows.forEach((row, y) => [...row].forEach((bit, x) => {
      if (bit !== '1') return;
      for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) {
        const i = (((y + quiet) * scale + dy) * size + (x + quiet) * scale + dx) * 4;
        pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
      }
    }));
    const code = jsQR(pixels, size, size);
    return code ? { data: code.data } : { error: 'no QR code found' };
  },
};

async function main() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  let req;
  try { req = JSON.parse(Buffer.concat(chunks).toString('utf8')); }
  catch (e) { throw new UsageError(`stdin is not one JSON object: ${e.message}`); }
  if (!req || typeof req !== 'object' || Array.isArray(req)) throw new UsageError('stdin must be a JSON object');
  const fn = commands[req.cmd];
  if (!fn) throw new UsageError(`unknown cmd "${req.cmd}"; expected one of: ${Object.keys(commands).join(', ')}`);
  const result = await fn(req);
  process.stdout.write(JSON.stringify({ ...result, sdk: SDK_VERSION }) + '\n');
}

main().then(
  () => { process.exitCode = 0; },
  (e) => {
    const usage = e instanceof UsageError;
    process.stderr.write(`wechatpay-peer: ${usage ? 'usage' : 'internal'} error: ${usage ? e.message : (e.stack ?? e)}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
