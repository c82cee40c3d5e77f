#!/usr/bin/env node
// s3-server.mjs — a real local S3 server (npm s3rver 3.7.1) for the tests of the S3 store and of media migration.
//
//   node s3-server.mjs <directory> <bucket>...
//
// Listens on a free port of 127.0.0.1, creates the buckets, prints ONE JSON line {"port":N,"accessKey","secretKey"}
// and serves until its stdin closes (the test disposing the server), then shuts down. Its credentials are S3RVER/S3RVER;
// note that s3rver 3.7.1 verifies SigV2 signatures but accepts any SigV4 signature from that key, and has no ACLs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');

const [directory, ...buckets] = process.argv.slice(2);
if (!directory || buckets.length === 0) {
  process.stderr.write('usage: node s3-server.mjs <directory> <bucket>...\n');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});

const { port } = await server.run();
process.stdout.write(JSON.stringify({ port, accessKey: 'S3RVER', secretKey: 'S3RVER' }) + '\n');

process.stdin.resume();
process.stdin.on('end', async () => {
  await server.close();
  process.exit(0);
});
