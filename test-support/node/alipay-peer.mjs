#!/usr/bin/env node
// alipay-peer.mjs — a stdin/stdout "peer" that lets the C# tests cross-check our
// Alipay OpenAPI (v2, RSA2) code against the OFFICIAL Node SDK, npm alipay-sdk@4.14.0.
//
// Protocol: read ONE JSON object from stdin, write ONE JSON object (one line) to stdout.
//   exit 0  — the command ran; a failed verification is data ({"valid":false,...}).
//   exit 2  — usage error (bad JSON, unknown cmd, missing field); message on stderr.
//   exit 1  — internal error (SDK threw where it should not, self-check failed); stderr.
//
// Commands (field "cmd"): sign-params, page-url, cert-sn, check-notify, check-url,
// check-response, sign-response, sign-notify. See test-support/node/ALIPAY-PEER.md for the contract.
//
// alipay-sdk 4.x is ESM-first ("type":"module", exports "." -> dist/esm/index.js) and
// exports only AlipaySdk & friends. Its request signer `sign()` and the RSA-SHA256
// primitive `signatureV3()` live in dist/esm/util.js, which the package "exports" map
// hides, so we import that file by absolute file URL. It is the very same module
// instance alipay.js imports (same URL), i.e. the function pageExecute()/exec() call.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServer } from 'node:http';
import { createPrivateKey, createPublicKey, createSign, generateKeyPairSync } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';

const require = createRequire(import.meta.url);
const sdkDir = dirname(require.resolve('alipay-sdk/package.json'));
const SDK_VERSION = require('alipay-sdk/package.json').version;
const util = await import(pathToFileURL(join(sdkDir, 'dist/esm/util.js')).href);
const antcertutil = await import(pathToFileURL(join(sdkDir, 'dist/esm/antcertutil.js')).href); // certificate SNs
const sdkSign = util.sign;                 // OpenAPI 2.0 request signer used by exec/pageExecute/sdkExecute
const sdkRsaSha256 = util.signatureV3;     // createSign('RSA-SHA256').update(s,'utf-8').sign(key,'base64')
const ALGO = util.ALIPAY_ALGORITHM_MAPPING; // { RSA: 'RSA-SHA1', RSA2: 'RSA-SHA256' }

class UsageError extends Error {}
const need = (o, k) => {
  if (o[k] === undefined || o[k] === null || o[k] === '') throw new UsageError(`missing field "${k}"`);
  return o[k];
};

// ---- keys --------------------------------------------------------------------------
// Accept PEM (PKCS#1 "RSA PRIVATE KEY" / PKCS#8 "PRIVATE KEY", SPKI "PUBLIC KEY" /
// PKCS#1 "RSA PUBLIC KEY") or bare base64 DER (what Alipay's key tool emits), and
// normalise to trimmed PKCS#8 / SPKI PEM. The SDK's formatKey() strips the first/last
// line only if it names keyType ('RSA PRIVATE KEY' by default) and re-wraps the body, so
// a PKCS#8 key without keyType:'PKCS8' (or a PKCS#1 public key) breaks. We always hand it
// PKCS#8 + keyType:'PKCS8' and SPKI; signature bytes do not depend on the key encoding.
function privatePem(text) {
  try { return toPkcs8(text); } catch (e) { throw new UsageError(`unreadable private key: ${e.message}`); }
}
function publicPem(text) {
  try { return toSpki(text); } catch (e) { throw new UsageError(`unreadable public key: ${e.message}`); }
}
function toPkcs8(text) {
  let key;
  if (/-----BEGIN/.test(text)) key = createPrivateKey(text);
  else {
    const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    try { key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }); }
    catch { key = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }); }
  }
  return key.export({ type: 'pkcs8', format: 'pem' }).trim();
}
function toSpki(text) {
  let key;
  if (/-----BEGIN/.test(text)) key = createPublicKey(text);
  else {
    const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    try { key = createPublicKey({ key: der, format: 'der', type: 'spki' }); }
    catch { key = createPublicKey({ key: der, format: 'der', type: 'pkcs1' }); }
  }
  return key.export({ type: 'spki', format: 'pem' }).trim();
}
// The constructor demands a private key even for verify-only use: make a throwaway.
let throwaway;
function throwawayPem() {
  throwaway ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' }).trim();
  return throwaway;
}
const DUMMY_APP_ID = '2021000000000000';
// `certs` {appCertPath, alipayPublicCertPath, alipayRootCertPath} puts the SDK in certificate mode: its constructor
// computes appCertSn, alipayCertSn and alipayRootCertSn from the files and takes Alipay's key from its certificate.
function makeSdk({ appId = DUMMY_APP_ID, privateKey, alipayPublicKey, gateway, signType, certs } = {}) {
  const cfg = { appId, keyType: 'PKCS8', privateKey: privateKey ? privatePem(privateKey) : throwawayPem() };
  if (alipayPublicKey) cfg.alipayPublicKey = publicPem(alipayPublicKey);
  if (certs) {
    for (const k of ['appCertPath', 'alipayPublicCertPath', 'alipayRootCertPath']) cfg[k] = need(certs, k);
  }
  if (gateway) cfg.gateway = gateway;
  if (signType) cfg.signType = signType;
  return new AlipaySdk(cfg);
}

// The SDK's sign-string rule (util.sign): keys sorted by JS default sort (UTF-16 code
// units), "k=v" joined by "&", NO filtering of empty values, non-string values JSON-
// stringified, no URL encoding. Used only to REPORT what sign() signed; it is checked
// against the SDK's own signature below so it cannot silently drift.
const sdkSignString = (p) => Object.keys(p).sort().map(k => {
  let v = p[k];
  if (typeof v !== 'string') v = JSON.stringify(v);
  return `${k}=${v}`;
}).join('&');

// ---- commands ----------------------------------------------------------------------
const commands = {
  // Sign a flat OpenAPI request parameter map with the SDK's util.sign().
  // sign() always injects method/app_id/charset/version/sign_type/timestamp, snake_cases
  // keys and re-serialises biz_content, so we feed those from `params` (config fields or
  // overriding params) and report exactly what it signed.
  'sign-params'(req) {
    const params = need(req, 'params');
    const signType = params.sign_type ?? req.signType ?? 'RSA2';
    if (!ALGO[signType]) throw new UsageError(`unsupported signType "${signType}"`);
    const key = privatePem(need(req, 'privateKey'));
    const { method, app_id, charset, version, sign_type, biz_content, ...rest } = params;
    const config = { appId: app_id, charset: charset ?? 'utf-8', version: version ?? '1.0', signType, privateKey: key };
    if (req.certs) {
      // certificate mode: sign() adds app_cert_sn and alipay_root_cert_sn from the SNs the constructor computed
      const { appCertSn, alipayRootCertSn } = makeSdk({ certs: req.certs }).config;
      Object.assign(config, { appCertSn, alipayRootCertSn });
    }
    const sdkParams = { ...rest }; // a "timestamp" in rest overrides the SDK's now()
    let options;
    if (biz_content !== undefined) {
      // sign() only accepts biz_content as an object (it JSON.stringify()s it itself);
      // disable its snake_case pass so keys stay as given.
      try {
        sdkParams.biz_content = typeof biz_content === 'string' ? JSON.parse(biz_content) : biz_content;
      } catch (e) { throw new UsageError(`biz_content is not JSON: ${e.message}`); }
      options = { bizContentAutoSnakeCase: false };
    }
    const out = sdkSign(method, sdkParams, config, options);
    const { sign, ...signed } = out;
    const signContent = sdkSignString(signed);
    // self-check: our reconstruction of the string must reproduce the SDK's signature
    const check = createSign(ALGO[signType]).update(signContent, 'utf8').sign(key, 'base64');
    if (check !== sign) throw new Error('internal: reconstructed signContent does not reproduce SDK signature');
    // tell the caller where the SDK's signed set differs from the input
    const changed = [];
    for (const k of new Set([...Object.keys(params), ...Object.keys(signed)])) {
      const a = params[k], b = signed[k];
      if (a === undefined) changed.push(`added ${k}`);
      else if (b === undefined) changed.push(`dropped ${k}`);
      else if ((typeof a === 'string' ? a : JSON.stringify(a)) !== b) changed.push(`altered ${k}`);
    }
    return { signContent, sign, signedParams: signed, changed };
  },

  // URL made by the SDK's pageExecute(method, 'GET', {...}). `extraParams` are passed as
  // additional bizParams (e.g. {"timestamp":"2024-05-01 12:00:00"} pins the timestamp,
  // because sign() lets a param override its own YYYYMMDDHHmmss()).
  // `certs` makes the URL in certificate mode. `withoutSdkParam` builds the same URL as pageExecute() (sign(), then
  // formatUrl() and encodeURIComponent for the rest) minus the alipay_sdk parameter pageExecute() adds, so that
  // the URL can be compared with ours parameter for parameter, signature included.
  'page-url'(req) {
    const sdk = makeSdk({ appId: need(req, 'appId'), privateKey: need(req, 'privateKey'),
      alipayPublicKey: req.alipayPublicKey, gateway: req.gateway, signType: req.signType, certs: req.certs });
    const bizParams = { bizContent: need(req, 'bizContent'), ...(req.extraParams ?? {}) };
    if (req.notifyUrl) bizParams.notifyUrl = req.notifyUrl;
    if (req.returnUrl) bizParams.returnUrl = req.returnUrl;
    if (!req.withoutSdkParam) return { url: sdk.pageExecute(need(req, 'method'), 'GET', bizParams) };
    const { url, execParams } = sdk.formatUrl(sdk.config.gateway, sdkSign(need(req, 'method'), bizParams, sdk.config));
    return { url: `${url}&${Object.keys(execParams).map(k => `${k}=${encodeURIComponent(execParams[k])}`).join('&')}` };
  },

  // Certificate SNs the SDK's way: with `certs`, the three its constructor computes (app_cert_sn, alipay_cert_sn,
  // alipay_root_cert_sn) and Alipay's public key it takes from its certificate; with `files` [{path, root?}],
  // antcertutil.getSNFromPath() of each.
  'cert-sn'(req) {
    const out = {};
    if (req.certs) {
      const { appCertSn, alipayCertSn, alipayRootCertSn, alipayPublicKey } = makeSdk({ certs: req.certs }).config;
      Object.assign(out, { appCertSn, alipayCertSn, alipayRootCertSn, alipayPublicKey });
    }
    if (req.files) out.files = req.files.map(f => antcertutil.getSNFromPath(need(f, 'path'), !!f.root));
    return out;
  },

  // SDK checkNotifySign(params, raw). raw=false (SDK default) decodeURIComponent()s every
  // value and THROWS URIError on a stray "%"; that is reported as {valid:false, threw}.
  'check-notify'(req) {
    const sdk = makeSdk(req.certs ? { certs: req.certs } : { alipayPublicKey: need(req, 'alipayPublicKey') });
    try {
      return { valid: sdk.checkNotifySign({ ...need(req, 'params') }, !!req.raw) };
    } catch (e) {
      return { valid: false, threw: `${e.name}: ${e.message}` };
    }
  },

  // Verify a GET pay URL made by OUR code the way Alipay's gateway does: query parsed
  // with form decoding (URLSearchParams: '+' -> space, %XX once), all params except
  // `sign` (sign_type IS signed), sorted, "k=v&...". The SDK exports no request-side
  // sign-content builder (its sign() always injects fields/timestamp), so the content is
  // built here; the RSA verification is the SDK's public sdk.rsaCheck() with the app
  // public key configured as the key to verify against. dropEmpty:true mimics the Java
  // SDK/gateway convention of skipping empty values (default false: keep them).
  'check-url'(req) {
    const url = new URL(need(req, 'url'));
    const sdk = makeSdk({ alipayPublicKey: need(req, 'appPublicKey') });
    const p = {};
    for (const [k, v] of url.searchParams) {
      if (k in p) return { valid: false, signContent: null, error: `duplicate parameter "${k}"` };
      p[k] = v;
    }
    const sign = p.sign;
    delete p.sign;
    const keys = Object.keys(p).sort().filter(k => !(req.dropEmpty && p[k] === ''));
    const signContent = keys.map(k => `${k}=${p[k]}`).join('&');
    if (!sign) return { valid: false, signContent, error: 'no sign parameter' };
    const signType = p.sign_type || 'RSA2';
    if (!ALGO[signType]) return { valid: false, signContent, error: `unknown sign_type "${signType}"` };
    return { valid: sdk.rsaCheck(signContent, sign, signType), signContent };
  },

  // Verify an OpenAPI response body's signature with the SDK's own checkResponseSign()
  // (public method; exec() calls it when options.validateSign is true). Default path
  // "direct" mirrors #formatExecHttpResponse: JSON.parse, responseKey =
  // method.replaceAll('.','_')+'_response' (or error_response), sign = parsed.sign, then
  // checkResponseSign(rawBody, responseKey, sign), which verifies getSignStr(rawBody).
  // via:"exec" instead serves `body` from a 127.0.0.1 node:http server and runs the real
  // sdk.exec(method, {bizContent}, {validateSign:true}) end to end.
  async 'check-response'(req) {
    const body = need(req, 'body'), method = need(req, 'method');
    const responseKey = `${method.replaceAll('.', '_')}_response`;
    if (req.via === 'exec') return await checkResponseViaExec(req, body, method, responseKey);
    const sdk = makeSdk(req.certs ? { certs: req.certs, signType: req.signType }
      : { alipayPublicKey: need(req, 'alipayPublicKey'), signType: req.signType });
    let parsed;
    try { parsed = JSON.parse(body); } catch (e) { return { valid: false, error: `Response 格式错误: ${e.message}` }; }
    if (!(parsed[responseKey] ?? parsed.error_response)) {
      return { valid: false, error: `Response 格式错误，返回值 ${responseKey} 找不到` };
    }
    const signContent = sdk.getSignStr(body, responseKey);
    try {
      sdk.checkResponseSign(body, responseKey, parsed.sign, undefined);
      return { valid: true, signContent };
    } catch (e) {
      return { valid: false, signContent, error: `${e.name}: ${e.message}` };
    }
  },

  // Play Alipay for a notify: sign a notify's fields the way the SDK's checkNotifySign
  // verifies them (every field but sign and sign_type, sorted, "k=v&...", EMPTY VALUES KEPT
  // as "k=", exactly its notifyRSACheck string with raw=true) with the SDK's RSA-SHA256
  // primitive util.signatureV3(). The SDK has no Alipay-side signer, so the content is
  // built here. `alipayPublicKey` (optional) makes the peer also report the SDK's own
  // verdict (`sdkValid`: checkNotifySign on the signed params). `dropEmpty: true` leaves
  // empty values out of the signed string instead (what the SDK does NOT accept).
  'sign-notify'(req) {
    const params = { ...need(req, 'params') };
    const key = privatePem(need(req, 'privateKey'));
    delete params.sign;
    const signContent = Object.keys(params).sort()
      .filter(k => k !== 'sign_type' && params[k] != null && !(req.dropEmpty && params[k] === ''))
      .map(k => `${k}=${params[k]}`).join('&');
    const signed = { ...params, sign_type: 'RSA2', sign: sdkRsaSha256(signContent, key) };
    const reply = { params: signed, signContent };
    if (req.alipayPublicKey) {
      reply.sdkValid = makeSdk({ alipayPublicKey: req.alipayPublicKey }).checkNotifySign({ ...signed }, true);
    }
    return reply;
  },

  // Build a raw response text {"<method>_response":<payload JSON>,"sign":"..."} signed
  // over the exact payload text with the SDK's RSA-SHA256 primitive util.signatureV3()
  // (RSA2 only). JSON.stringify keeps Chinese and "/" literal. Options:
  //   payloadText   use this exact JSON text instead of JSON.stringify(payload)
  //   escapeSlashes write "/" as "\/" in the body (as Alipay's gateway often does)
  //   signUnescaped with escapeSlashes: sign the text BEFORE escaping (the case other
  //                 SDKs handle with a "\/" -> "/" retry; alipay-sdk 4.14.0 has none)
  'sign-response'(req) {
    const method = need(req, 'method');
    const key = privatePem(need(req, 'privateKey'));
    const responseKey = `${method.replaceAll('.', '_')}_response`;
    const plain = req.payloadText ?? JSON.stringify(need(req, 'payload'));
    const text = req.escapeSlashes ? plain.replaceAll('/', '\\/') : plain;
    const sign = sdkRsaSha256(req.escapeSlashes && req.signUnescaped ? plain : text, key);
    return { body: `{"${responseKey}":${text},"sign":"${sign}"}` };
  },
};

async function checkResponseViaExec(req, body, method, responseKey) {
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    res.end(body);
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  try {
    const sdk = makeSdk({ alipayPublicKey: need(req, 'alipayPublicKey'), signType: req.signType,
      gateway: `http://127.0.0.1:${server.address().port}/gateway.do` });
    const signContent = sdk.getSignStr(body, responseKey);
    try {
      await sdk.exec(method, { bizContent: req.bizContent ?? { out_trade_no: 'peer' } }, { validateSign: true });
      return { valid: true, signContent, via: 'exec' };
    } catch (e) {
      return { valid: false, signContent, via: 'exec', error: `${e.name}: ${e.message}` };
    }
  } finally {
    server.closeAllConnections?.();
    server.close();
  }
}

// ---- main --------------------------------------------------------------------------
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
    process.stderr.write(`alipay-peer: ${usage ? 'usage' : 'internal'} error: ${usage ? e.message : (e.stack ?? e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
