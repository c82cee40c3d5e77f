// The independent load client: sends a request list (JSON lines, written by bench/load) to the app from a fixed
// number of keep-alive connections and prints one JSON summary line:
// {"client":"node","requests":..,"errors":..,"seconds":..,"p50":..,"p95":..,"p99":..,"answers":{"success":..},"cpuMicroseconds":..}
//
//   node storm.mjs --requests file.jsonl --urls http://127.0.0.1:5000[,http://...] [--concurrency 64] [--captures out.txt]
//                  [--stack raw|http]
//
// --stack raw (the default): HTTP/1.1 over node:net with requests serialized before the clock starts (raw-http.mjs),
// about a tenth of node:http's CPU per request — the client shares the app's cores. --stack http: node:http's agent.
//
// Each line: {"i": instance, "path", "type": content type, "bearer": JWT or null, "body", "answer": exact text
// expected, or "contains": text a 200 must contain}. An answer is an error when it is not that. --captures writes the
// out_trade_no of every answer that carries one (one per line). No dependencies: Node's own modules only.
import http from 'node:http';
import fs from 'node:fs';
import { RawConnection, serializePost } from './raw-http.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const file = option('requests');
const urls = (option('urls') ?? '').split(',').filter(Boolean).map((u) => new URL(u));
const concurrency = Number(option('concurrency', '64'));
const capturesFile = option('captures');
const stack = option('stack', 'raw');
if (!file || urls.length === 0 || !(concurrency > 0) || !['raw', 'http'].includes(stack)) {
  console.error('usage: node storm.mjs --requests file.jsonl --urls http://host:port[,...] [--concurrency 64] [--captures out.txt] [--stack raw|http]');
  process.exit(2);
}

const requests = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
for (const r of requests) {
  r.bytes = Buffer.from(r.body, 'utf8');
  if (stack === 'raw') r.wire = serializePost(urls[r.i % urls.length], r.path, r.type, r.bearer, r.bytes);
}

// One keep-alive agent per instance, each allowed as many sockets as there are workers (as the .NET client).
const agents = urls.map(() => new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency }));

function sendHttp(r) {
  const url = urls[r.i % urls.length];
  const headers = { 'content-type': r.type, 'content-length': r.bytes.length };
  if (r.bearer) headers.authorization = `Bearer ${r.bearer}`;
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: r.path, method: 'POST', headers, agent: agents[r.i % urls.length] },
      (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
    request.on('error', reject);
    request.end(r.bytes);
  });
}

// --stack raw: each worker owns one connection per instance, opened on its first request there.
async function sendRaw(connections, r) {
  const instance = r.i % urls.length;
  connections[instance] ??= new RawConnection(urls[instance]);
  const { status, body } = await connections[instance].send(r.wire);
  return { status, text: body.toString('utf8') };
}

const latencies = new Float64Array(requests.length);
const answers = {};
const captures = [];
let next = 0;
let errors = 0;

async function worker() {
  const connections = [];
  const send = stack === 'raw' ? (r) => sendRaw(connections, r) : sendHttp;
  try {
    await work(send);
  } finally {
    connections.forEach((c) => c.close());
  }
}

async function work(send) {
  while (true) {
    const index = next++;
    if (index >= requests.length) return;
    const r = requests[index];
    const started = process.hrtime.bigint();
    let right = false;
    try {
      const { status, text } = await send(r);
      if (text.length <= 16) {
        answers[text] = (answers[text] ?? 0) + 1;
      } else {
        const match = /"out_trade_no":"([^"]+)"/.exec(text);
        if (match) captures.push(match[1]);
      }
      right = r.answer != null ? text === r.answer : status === 200 && text.includes(r.contains);
    } catch {
      right = false;
    }
    latencies[index] = Number(process.hrtime.bigint() - started) / 1e6;
    if (!right) errors++;
  }
}

const clock = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = Number(process.hrtime.bigint() - clock) / 1e9;
// This client's own CPU (user + system) in the measured round: it shares the app's cores.
const cpu = process.cpuUsage(cpuBefore);
agents.forEach((a) => a.destroy());

const sorted = Array.from(latencies).sort((a, b) => a - b);
// Nearest rank, as bench/load computes it.
const percentile = (p) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
if (capturesFile) fs.writeFileSync(capturesFile, captures.join('\n'));
console.log(JSON.stringify({
  client: 'node', stack, node: process.version, requests: requests.length, errors, seconds,
  p50: percentile(50), p95: percentile(95), p99: percentile(99), answers, cpuMicroseconds: cpu.user + cpu.system,
}));
