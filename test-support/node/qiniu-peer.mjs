#!/usr/bin/env node
// qiniu-peer.mjs — a stdin/stdout "peer" that lets the C# tests cross-check our Qiniu Kodo protocol code
// (LuffyBlazor/Features/Storage/Qiniu) against the OFFICIAL Node SDK, npm qiniu@7.15.2.
//
// Protocol: read ONE JSON object from stdin, write ONE JSON object (one line) to stdout.
//   exit 0 — the command ran (a token that does not verify is data: {"valid":false}).
//   exit 2 — usage error (bad JSON, unknown cmd, missing field); message on stderr.
//   exit 1 — internal error; message on stderr.
// Commands (field "cmd") and the SDK code each one runs are listed in QINIU-PEER.md.

import { createRequire } from 'node:module';
import { need, runPeer } from './peer.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const qiniu = require('qiniu');
const util = require('qiniu/qiniu/util.js');
const getCrc32 = require('crc32'); // the very package the SDK's form uploader checksums with
const SDK_VERSION = require('qiniu/package.json').version;

const mac = (req) => new qiniu.auth.digest.Mac(need(req, 'accessKey'), need(req, 'secretKey'),
  { disableQiniuTimestampSignature: true });

// PutPolicy.getFlags() reads the clock (deadline = now + expires): pin it so tokens are reproducible.
function withClock(nowSeconds, fn) {
  const real = Date.now;
  Date.now = () => nowSeconds * 1000;
  try { return fn(); } finally { Date.now = real; }
}

const commands = {
  // PutPolicy(options).uploadToken(mac) with Date.now pinned to "now".
  'upload-token': (req) => {
    const options = need(req, 'policy');
    const token = withClock(need(req, 'now'), () => new qiniu.rs.PutPolicy(options).uploadToken(mac(req)));
    const encoded = token.split(':')[2];
    return { token, policyJson: util.urlSafeBase64Decode(encoded) };
  },
  // Verifies an upload token with the SDK's own primitives (hmacSha1 + base64ToUrlSafe), and decodes its policy.
  'check-upload-token': (req) => {
    const parts = need(req, 'token').split(':');
    if (parts.length !== 3) return { valid: false };
    const [ak, sign, encoded] = parts;
    const expected = util.base64ToUrlSafe(util.hmacSha1(encoded, need(req, 'secretKey')));
    return {
      valid: ak === need(req, 'accessKey') && sign === expected,
      policyJson: util.urlSafeBase64Decode(encoded),
      bucket: util.getBucketFromUptoken(req.token),
    };
  },
  // util.generateAccessToken: "QBox AK:sign(path?query\nbody)".
  'qbox-auth': (req) => ({ authorization: util.generateAccessToken(mac(req), need(req, 'url'), req.body) }),
  // util.generateAccessTokenV2: "Qiniu AK:sign(METHOD path?query\nHost: ...)".
  'qiniu-auth': (req) => ({
    authorization: util.generateAccessTokenV2(mac(req), need(req, 'url'), need(req, 'method'), req.contentType, req.body, req.headers),
  }),
  // BucketManager.privateDownloadUrl / publicDownloadUrl.
  'download-url': (req) => {
    const bucketManager = new qiniu.rs.BucketManager(mac(req), new qiniu.conf.Config());
    return {
      publicUrl: bucketManager.publicDownloadUrl(need(req, 'domain'), need(req, 'key')),
      privateUrl: bucketManager.privateDownloadUrl(req.domain, req.key, need(req, 'deadline')),
    };
  },
  'encoded-entry': (req) => ({ entry: util.encodedEntry(need(req, 'bucket'), need(req, 'key')) }),
  crc32: (req) => ({ crc32: parseInt('0x' + getCrc32(Buffer.from(need(req, 'base64'), 'base64')), 16) }),
  // The SDK's FormUploader.put against an upload host we name (our fake Qiniu server in the tests).
  'form-upload': async (req) => {
    const host = new URL(need(req, 'uploadUrl'));
    const config = new qiniu.conf.Config({ useHttpsDomain: host.protocol === 'https:' });
    config.regionsProvider = new qiniu.httpc.StaticRegionsProvider([
      new qiniu.httpc.Region({
        regionId: 'test',
        services: { [qiniu.httpc.SERVICE_NAME.UP]: [new qiniu.httpc.Endpoint(host.host, { defaultScheme: host.protocol.replace(':', '') })] },
      }),
    ]);
    const putExtra = new qiniu.form_up.PutExtra();
    if (req.mimeType) putExtra.mimeType = req.mimeType;
    putExtra.fname = req.fileName || 'file';
    const uploader = new qiniu.form_up.FormUploader(config);
    const result = await uploader.put(need(req, 'token'), need(req, 'key'), Buffer.from(need(req, 'base64'), 'base64'), putExtra);
    return { status: result.resp.statusCode, body: result.data };
  },
  // The SDK's ResumeUploader.putFileV2 (resumable upload v2) with the upload hosts it finds by itself through the
  // region query (/v4/query) on the host we name (our fake Qiniu server in the tests).
  'resume-upload': async (req) => {
    const uc = new URL(need(req, 'ucUrl'));
    qiniu.conf.QUERY_REGION_HOST = uc.host;
    qiniu.conf.QUERY_REGION_BACKUP_HOSTS = [];
    const config = new qiniu.conf.Config({ useHttpsDomain: uc.protocol === 'https:' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiniu-peer-'));
    const file = path.join(dir, req.fileName || 'file.bin');
    fs.writeFileSync(file, Buffer.from(need(req, 'base64'), 'base64'));
    try {
      // PutExtra.create(fname, params, mimeType, resumeRecordFile, progressCallback, partSize, version)
      const putExtra = qiniu.resume_up.PutExtra.create(
        req.fileName || 'file.bin', {}, req.mimeType || null, null, null, need(req, 'partSize'), 'v2');
      const uploader = new qiniu.resume_up.ResumeUploader(config);
      const result = await uploader.putFileV2(need(req, 'token'), need(req, 'key'), file, putExtra);
      return { status: result.resp.statusCode, body: result.data };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

await runPeer(commands, { sdk: SDK_VERSION });
