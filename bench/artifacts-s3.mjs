// Artifacts through the proxy to S3: upload and download throughput of one large file through
// `/api/2.0/mlflow-artifacts/artifacts/<path>` with `--artifacts-destination s3://...`, and the server's
// RSS sampled every 100 ms during each transfer. The file is made by a generator as it is sent and
// checked by CRC-32 as it comes back: the bench never holds it either.
// Usage: node bench/artifacts-s3.mjs [--size-mb 2048] [--part-size-mb 8] [--concurrency 4]
//        [--endpoint http://host:port --bucket B --access-key K --secret-key S --region R] [--local]
// Without --endpoint, s3rver runs in a child process (its own core's worth of CPU, a temporary folder).
// --local measures the same transfers to a local folder destination instead, for reference.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { clearInterval, setInterval } from 'node:timers';
import zlib from 'node:zlib';
import fs from 'node:fs';
import { cpuSeconds, flags, fmt, report, rssMb, startServer, tempDir } from './lib.mjs';

const opts = flags();
const MiB = 1024 * 1024;
const SIZE = Number(opts['size-mb'] ?? 2048) * MiB;
const CHUNK = MiB;

/** s3rver in a child process, so its work does not share the bench's event loop. */
function startS3rverChild() {
  const script = `
    const { testS3Targets } = await import('@loupe/server/testing');
    const [target] = await testS3Targets();
    const { endpoint, bucket, accessKeyId, secretAccessKey, region } = target;
    console.log(JSON.stringify({ endpoint, bucket, accessKeyId, secretAccessKey, region }));
    process.once('SIGTERM', () => target.close().then(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('.', import.meta.url), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ ...JSON.parse(line), pid: child.pid, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
}

/** The file's bytes, made chunk by chunk as they are asked for (each chunk stamped with its index). */
async function* fileChunks(state) {
  for (let offset = 0, i = 0; offset < SIZE; offset += CHUNK, i++) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, SIZE - offset)).fill(i % 251);
    chunk.writeUInt32BE(i, 0);
    state.crc = zlib.crc32(chunk, state.crc);
    yield chunk;
  }
}

/** Samples the server's RSS every 100 ms until stopped; returns the peak. */
function sampleRss(pid) {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
  return () => (clearInterval(timer), Math.max(peak, rssMb(pid)));
}

function upload(url, state) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { 'content-length': SIZE, 'content-type': 'application/octet-stream' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT ${res.statusCode}: ${text}`))));
    });
    req.on('error', reject);
    pipeline(Readable.from(fileChunks(state)), req).catch(reject);
  });
}

function download(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${res.statusCode}`));
        let crc = 0;
        let bytes = 0;
        res.on('data', (d) => {
          crc = zlib.crc32(d, crc);
          bytes += d.length;
        });
        res.on('end', () => resolve({ crc, bytes }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** A local folder destination (`--local`), shaped like the S3 one. */
function localDestination() {
  const dir = tempDir('loupe-bench-artifacts-');
  return { destination: dir, label: 'a local folder', env: {}, stop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function s3Destination() {
  const s3 = opts.endpoint
    ? {
        endpoint: opts.endpoint,
        bucket: opts.bucket,
        accessKeyId: opts['access-key'],
        secretAccessKey: opts['secret-key'],
        region: opts.region ?? 'us-east-1',
        stop: async () => {},
      }
    : await startS3rverChild();
  if (!s3.bucket) throw new Error('--endpoint needs --bucket (and --access-key, --secret-key)');
  return {
    destination: `s3://${s3.bucket}/bench-${randomBytes(4).toString('hex')}`,
    label: opts.endpoint ? `S3 at ${s3.endpoint}` : 'S3 (s3rver)',
    stop: s3.stop,
    env: {
      MLFLOW_S3_ENDPOINT_URL: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.accessKeyId ?? '',
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey ?? '',
      AWS_DEFAULT_REGION: s3.region,
      ...(opts['part-size-mb'] ? { LOUPE_S3_UPLOAD_PART_SIZE_MB: String(opts['part-size-mb']) } : {}),
      ...(opts.concurrency ? { LOUPE_S3_UPLOAD_CONCURRENCY: String(opts.concurrency) } : {}),
    },
  };
}

export async function run() {
  const target = opts.local ? localDestination() : await s3Destination();
  const server = await startServer(['--artifacts-destination', target.destination], { env: target.env });
  const results = [];
  try {
    const url = `${server.url}/api/2.0/mlflow-artifacts/artifacts/0/bench/artifacts/model.bin`;
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssMb(server.pid);

    const sent = { crc: 0 };
    let stop = sampleRss(server.pid);
    let cpu0 = cpuSeconds(server.pid).total;
    let t0 = process.hrtime.bigint();
    await upload(url, sent);
    const upSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const upPeak = stop();
    const upCpu = cpuSeconds(server.pid).total - cpu0;

    stop = sampleRss(server.pid);
    cpu0 = cpuSeconds(server.pid).total;
    t0 = process.hrtime.bigint();
    const got = await download(url);
    const downSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const downPeak = stop();
    const downCpu = cpuSeconds(server.pid).total - cpu0;
    if (got.bytes !== SIZE || got.crc !== sent.crc) throw new Error(`download differs: ${got.bytes} bytes, crc ${got.crc} (sent ${SIZE}, ${sent.crc})`);

    const mb = SIZE / MiB;
    results.push(
      report(`upload ${fmt(mb, 0)} MiB through the proxy to ${target.label}`, {
        mb_per_s: mb / upSeconds,
        seconds: upSeconds,
        server_cpu_s: upCpu,
        server_rss_idle_mb: idle,
        server_rss_peak_mb: upPeak,
      }),
    );
    results.push(
      report(`download ${fmt(mb, 0)} MiB from ${target.label} through the proxy`, {
        mb_per_s: mb / downSeconds,
        seconds: downSeconds,
        server_cpu_s: downCpu,
        server_rss_peak_mb: downPeak,
        bytes_checked: 'crc32 ok',
      }),
    );
    const del = await fetch(url, { method: 'DELETE' });
    if (del.status !== 200) throw new Error(`DELETE ${del.status}`);
  } finally {
    await server.stop();
    await target.stop();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
