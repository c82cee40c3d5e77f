#!/usr/bin/env node
// s3-server.mjs — a real local S3 server (npm s3rver 3.7.1) for the tests of the S3 store, browser uploads and media
// migration.
//
//   node s3-server.mjs <directory> <bucket>...
//
// Listens on a free port of 127.0.0.1, creates the buckets with a CORS rule that lets browsers GET and PUT from any
// origin and read ETag (what a real bucket needs for browser multipart uploads), prints ONE JSON line
// {"port":N,"accessKey","secretKey"} and serves until its stdin closes (the test disposing the server), then shuts
// down. Its credentials are S3RVER/S3RVER; note that s3rver 3.7.1 verifies SigV2 signatures but accepts any SigV4
// signature from that key, and has no ACLs.
//
// s3rver 3.7.1 implements initiate, upload part and complete of multipart uploads, but not ListParts (GET ?uploadId)
// nor AbortMultipartUpload (DELETE ?uploadId), which resuming and cancelling need: this script answers those two as S3
// documents them, from s3rver's own record of the upload (its uploads folder, one file per part and its MD5).
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import path from 'node:path';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');

const [directory, ...buckets] = process.argv.slice(2);
if (!directory || buckets.length === 0) {
  process.stderr.write('usage: node s3-server.mjs <directory> <bucket>...\n');
  process.exit(2);
}

const cors = `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name, configs: [cors] })),
});

const xml = (body) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const noSuchUpload = (ctx, uploadId) => {
  ctx.status = 404;
  ctx.type = 'application/xml';
  ctx.body = xml(`<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${escape(uploadId)}</UploadId></Error>`);
};

// Path-style requests only (the tests' ForcePathStyle): /bucket/key?uploadId=…
server.middleware.unshift(async (ctx, next) => {
  const uploadId = ctx.query.uploadId;
  const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
  if (!uploadId || !match || !['GET', 'DELETE'].includes(ctx.method)) return next();
  const [, bucket, key] = match;
  const folder = path.join(server.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
  let recordedKey;
  try {
    recordedKey = (await fs.readFile(path.join(folder, 'key'))).toString();
  } catch {
    return noSuchUpload(ctx, uploadId);
  }
  if (recordedKey !== decodeURIComponent(key)) return noSuchUpload(ctx, uploadId);

  if (ctx.method === 'DELETE') {
    await fs.rm(folder, { recursive: true, force: true });
    ctx.status = 204;
    return undefined;
  }

  const marker = Number(ctx.query['part-number-marker'] || 0);
  const maxParts = Math.min(Number(ctx.query['max-parts'] || 1000), 1000);
  const numbers = (await fs.readdir(folder)).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b);
  const page = numbers.filter((n) => n > marker).slice(0, maxParts);
  const truncated = numbers.some((n) => n > (page[page.length - 1] ?? marker)) && page.length === maxParts;
  const parts = await Promise.all(page.map(async (n) => {
    const file = path.join(folder, String(n));
    const [stat, md5] = await Promise.all([fs.stat(file), fs.readFile(`${file}.md5`).then(String)]);
    return `<Part><PartNumber>${n}</PartNumber><LastModified>${stat.mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${stat.size}</Size></Part>`;
  }));
  ctx.type = 'application/xml';
  ctx.body = xml(`<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escape(bucket)}</Bucket><Key>${escape(recordedKey)}</Key>`
    + `<UploadId>${escape(uploadId)}</UploadId><PartNumberMarker>${marker}</PartNumberMarker>`
    + `<NextPartNumberMarker>${page[page.length - 1] ?? marker}</NextPartNumberMarker><MaxParts>${maxParts}</MaxParts>`
    + `<IsTruncated>${truncated}</IsTruncated>${parts.join('')}</ListPartsResult>`);
  return undefined;
});

const { port } = await server.run();
process.stdout.write(JSON.stringify({ port, accessKey: 'S3RVER', secretKey: 'S3RVER' }) + '\n');

process.stdin.resume();
process.stdin.on('end', async () => {
  await server.close();
  process.exit(0);
});
