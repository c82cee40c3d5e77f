#!/usr/bin/env node
// peer-bench.mjs — single-threaded throughput of the official Alipay Node SDK
// (npm alipay-sdk 4.14.0), as a baseline for LuffyBlazor's own RSA2 code:
//   (a) pageExecute('alipay.trade.page.pay', 'GET', {...}) signed pay URLs per second
//   (b) checkNotifySign() verifications per second of a realistic signed
//       trade_status_sync notify (~24 fields, signed the way Alipay does it:
//       all fields except sign and sign_type, sorted, k=v&..., RSA-SHA256)
// Each is warmed up (~1 s) then timed for ~5 s (BENCH_SECONDS to change).
// Prints ONE JSON line on stdout.
import { generateKeyPairSync, createSign } from 'node:crypto';
import { createRequire } from 'node:module';
import { AlipaySdk } from 'alipay-sdk';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Math.min(1, SECONDS);
const sdkVersion = createRequire(import.meta.url)('alipay-sdk/package.json').version;

const pem = (k, type) => k.export({ type, format: 'pem' }).trim();
const app = generateKeyPairSync('rsa', { modulusLength: 2048 });     // our app key pair
const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });  // "Alipay's" key pair

const sdk = new AlipaySdk({
  appId: '2021000000000001',
  keyType: 'PKCS8',
  privateKey: pem(app.privateKey, 'pkcs8'),
  alipayPublicKey: pem(alipay.publicKey, 'spki'),
  gateway: 'https://openapi.alipay.com/gateway.do',
});

// Run fn repeatedly for `seconds`, checking the clock every 16 calls; return ops/sec.
function measure(fn, seconds) {
  let n = 0, sink = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  do {
    for (let i = 0; i < 16; i++) sink ^= fn(n++) ? 1 : 0;
    now = process.hrtime.bigint();
  } while (now < end);
  if (sink === 2) console.error('unreachable'); // keep results observable
  return n / (Number(now - start) / 1e9);
}

// (a) pay URLs
const pageUrl = (i) => sdk.pageExecute('alipay.trade.page.pay', 'GET', {
  bizContent: {
    out_trade_no: `LF${String(i).padStart(12, '0')}`,
    total_amount: '99.00',
    subject: '路飞学城-Python 全栈开发',
    product_code: 'FAST_INSTANT_TRADE_PAY',
  },
  notifyUrl: 'https://www.luffycity.com/api/v1/alipay/notify',
  returnUrl: 'https://www.luffycity.com/payment/return',
});

// (b) a realistic notify, signed with "Alipay's" private key
const notify = {
  gmt_create: '2024-05-01 12:00:00',
  charset: 'utf-8',
  seller_email: 'pay@luffycity.com',
  subject: '路飞学城-Python 全栈开发',
  sign_type: 'RSA2',
  buyer_id: '2088102177846880',
  invoice_amount: '99.00',
  notify_id: '2024050100222120005046881412345678',
  fund_bill_list: '[{"amount":"99.00","fundChannel":"ALIPAYACCOUNT"}]',
  notify_type: 'trade_status_sync',
  trade_status: 'TRADE_SUCCESS',
  receipt_amount: '99.00',
  buyer_pay_amount: '99.00',
  app_id: '2021000000000001',
  seller_id: '2088102177649450',
  gmt_payment: '2024-05-01 12:00:05',
  notify_time: '2024-05-01 12:00:06',
  passback_params: 'course_id=42&coupon=LUFFY 2024',
  version: '1.0',
  out_trade_no: 'LF000000000042',
  total_amount: '99.00',
  trade_no: '2024050122001446881412345678',
  auth_app_id: '2021000000000001',
  buyer_logon_id: 'lu***@example.com',
  point_amount: '0.00',
};
const signed = Object.keys(notify).filter(k => k !== 'sign_type').sort().map(k => `${k}=${notify[k]}`).join('&');
notify.sign = createSign('RSA-SHA256').update(signed, 'utf8').sign(alipay.privateKey, 'base64');
// checkNotifySign first tries WITH sign_type (fails for an Alipay-style notify), then
// without it: so each call here costs two RSA verifications, as it does in production.
const checkNotify = () => sdk.checkNotifySign(notify);

// sanity: both paths must work before we time them
if (!pageUrl(0).startsWith('https://openapi.alipay.com/gateway.do?')) throw new Error('pageExecute failed');
if (!checkNotify()) throw new Error('checkNotifySign rejected a valid notify');

measure(pageUrl, WARMUP_SECONDS);
const pageUrlsPerSec = measure(pageUrl, SECONDS);
measure(checkNotify, WARMUP_SECONDS);
const notifyChecksPerSec = measure(checkNotify, SECONDS);

console.log(JSON.stringify({
  pageUrlsPerSec: Math.round(pageUrlsPerSec),
  notifyChecksPerSec: Math.round(notifyChecksPerSec),
  node: process.version,
  sdk: sdkVersion,
}));
