#!/usr/bin/env node
// fdfs-peer.mjs — an independent FastDFS client (npm fdfs@1.0.4, a Node.js client written from FastDFS's protocol)
// as a "peer" for the C# tests: files our client writes are read by it and the other way round, byte for byte, against
// the same server (the tests' fake tracker + storage, LuffyBlazor.Tests/Infrastructure/FakeFastDfs.cs).
//
// Protocol: read ONE JSON object from stdin, write ONE JSON line to stdout (exit 0); 2 usage error, 1 internal error,
// message on stderr. Every request names "trackers": [{"host","port"}]. Commands (field "cmd"):
//   upload        {base64, ext, appender?}      -> {fileId}          FdfsClient.upload (method 'uploadAppender' if appender)
//   append        {fileId, base64}              -> {}                FdfsClient.upload with method 'append'
//   download      {fileId, offset?, bytes?}     -> {base64}          FdfsClient.download into a Writable
//   delete        {fileId}                      -> {}                FdfsClient.del
//   set-metadata  {fileId, metadata, flag?}     -> {}                FdfsClient.setMetaData ('O' overwrite, 'M' merge)
//   get-metadata  {fileId}                      -> {metadata}        FdfsClient.getMetaData
//   file-info     {fileId}                      -> {size, crc32, timestamp, addr}   FdfsClient.getFileInfo
import { createRequire } from 'node:module';
import { need, runPeer } from './peer.mjs';
import { Writable } from 'node:stream';

const require = createRequire(import.meta.url);
const FdfsClient = require('fdfs');
const CLIENT_VERSION = require('fdfs/package.json').version;


const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
const client = (req) => new FdfsClient({ trackers: need(req, 'trackers'), timeout: 10000, logger: silent });

const commands = {
  upload: async (req) => {
    const options = { ext: need(req, 'ext') };
    if (req.appender) options.method = 'uploadAppender';
    return { fileId: await client(req).upload(Buffer.from(need(req, 'base64'), 'base64'), options) };
  },
  append: async (req) => {
    await client(req).upload(Buffer.from(need(req, 'base64'), 'base64'), { method: 'append', fileId: need(req, 'fileId') });
    return {};
  },
  download: async (req) => {
    const chunks = [];
    const target = new Writable({ write(chunk, _encoding, done) { chunks.push(chunk); done(); } });
    const options = { target };
    if (req.offset) options.offset = req.offset;
    if (req.bytes) options.bytes = req.bytes;
    await client(req).download(need(req, 'fileId'), options);
    return { base64: Buffer.concat(chunks).toString('base64') };
  },
  delete: async (req) => {
    await client(req).del(need(req, 'fileId'));
    return {};
  },
  'set-metadata': async (req) => {
    await client(req).setMetaData(need(req, 'fileId'), need(req, 'metadata'), req.flag || 'O');
    return {};
  },
  'get-metadata': async (req) => ({ metadata: (await client(req).getMetaData(need(req, 'fileId'))) || {} }),
  'file-info': async (req) => client(req).getFileInfo(need(req, 'fileId')),
};

await runPeer(commands, { client: CLIENT_VERSION });
