// The independent load client for pages: GETs one path from a fixed number of keep-alive connections for a fixed
// time, with Node's own HTTP stack, and prints one JSON summary line:
// {"client":"node","requests":..,"errors":..,"seconds":..,"p50":..,"p95":..,"p99":..,"answers":{"200":..},"cpuMicroseconds":..}
//
//   node pages.mjs --url http://127.0.0.1:5000/course/1 [--seconds 20] [--concurrency 64]
//
// An answer is an error unless it is a 200 with a body. No dependencies: node:http only (as storm.mjs, which sends
// the payment scenarios' request lists).
import http from 'node:http';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const url = option('url') ? new URL(option('url')) : null;
const seconds = Number(option('seconds', '20'));
const concurrency = Number(option('concurrency', '64'));
if (!url || !(seconds > 0) || !(concurrency > 0)) {
  console.error('usage: node pages.mjs --url http://host:port/path [--seconds 20] [--concurrency 64]');
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });

function get() {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', agent }, (response) => {
      let length = 0;
      response.on('data', (c) => { length += c.length; });
      response.on('end', () => resolve({ status: response.statusCode, length }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

const latencies = [];
const answers = {};
let errors = 0;
const cpuBefore = process.cpuUsage();
const clock = process.hrtime.bigint();
const until = clock + BigInt(Math.round(seconds * 1e9));

async function worker() {
  while (process.hrtime.bigint() < until) {
    const started = process.hrtime.bigint();
    let right = false;
    try {
      const { status, length } = await get();
      answers[status] = (answers[status] ?? 0) + 1;
      right = status === 200 && length > 0;
    } catch {
      right = false;
    }
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!right) errors++;
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
const elapsed = Number(process.hrtime.bigint() - clock) / 1e9;
const cpu = process.cpuUsage(cpuBefore); // this client's own CPU (user + system): it shares the cores with the app
agent.destroy();

const sorted = Float64Array.from(latencies).sort();
// Nearest rank, as bench/load computes it.
const percentile = (p) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
console.log(JSON.stringify({
  client: 'node', node: process.version, requests: sorted.length, errors, seconds: elapsed,
  p50: percentile(50), p95: percentile(95), p99: percentile(99), answers, cpuMicroseconds: cpu.user + cpu.system,
}));
