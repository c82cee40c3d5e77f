#!/usr/bin/env node
// tus-peer.mjs — an independent tus 1.0 client (npm tus-js-client 4.3.1) for the C# tests of the app's resumable
// upload endpoint (LuffyBlazor/Features/Storage/Uploads/TusEndpoints.cs): it uploads a file the way any tus client
// would, in chunks, and can stop after some chunks and resume from the server's offset in a second run.
//
// Protocol: one JSON object on stdin, one JSON line on stdout (see peer.mjs). Command "upload":
//   {endpoint, headers, base64, chunkSize, uploadUrl?, stopAfterChunks?}
//   -> {uploadUrl, offset, completed, chunksSent}
// With uploadUrl it resumes that upload (HEAD for the offset, then PATCH the rest); with stopAfterChunks it aborts
// once that many chunks were accepted, leaving the upload for a later run.
import { createRequire } from 'node:module';
import { need, runPeer } from './peer.mjs';

const require = createRequire(import.meta.url);
const tus = require('tus-js-client');
const CLIENT_VERSION = require('tus-js-client/package.json').version;

const commands = {
  upload: (req) => new Promise((resolve, reject) => {
    const data = Buffer.from(need(req, 'base64'), 'base64');
    let chunksSent = 0;
    let offset = 0;
    const upload = new tus.Upload(data, {
      endpoint: need(req, 'endpoint'),
      uploadUrl: req.uploadUrl || null,
      headers: req.headers || {},
      chunkSize: need(req, 'chunkSize'),
      retryDelays: [],
      metadata: { filename: req.fileName || 'file.bin' },
      onChunkComplete: (_chunkSize, accepted) => {
        chunksSent += 1;
        offset = accepted;
        if (req.stopAfterChunks && chunksSent >= req.stopAfterChunks && accepted < data.length) {
          upload.abort(false).then(() => resolve({ uploadUrl: upload.url, offset, completed: false, chunksSent }));
        }
      },
      onSuccess: () => resolve({ uploadUrl: upload.url, offset: data.length, completed: true, chunksSent }),
      onError: (error) => reject(error),
    });
    upload.start();
  }),
};

await runPeer(commands, { client: CLIENT_VERSION });
