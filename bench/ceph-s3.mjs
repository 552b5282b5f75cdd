// The Ceph radosgw of scripts/ceph-s3.sh under a small load: PUT then GET of N objects (1 MB each by
// default) through @aws-sdk/client-s3, path-style, C at a time; latency percentiles, throughput, and the
// RSS of the cluster's daemons (ceph-mon, ceph-mgr, ceph-osd, radosgw) before and after.
//   scripts/ceph-s3.sh start && source /tmp/loupe-ceph/s3.env && node bench/ceph-s3.mjs [--objects 200] [--size 1048576] [--concurrency 8]
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { percentile, rssMb } from './lib.mjs';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '200' },
    size: { type: 'string', default: String(1024 * 1024) },
    concurrency: { type: 'string', default: '8' },
    dir: { type: 'string', default: process.env.LOUPE_CEPH_DIR ?? '/tmp/loupe-ceph' },
  },
});
const objects = Number(values.objects);
const size = Number(values.size);
const concurrency = Number(values.concurrency);
const DAEMONS = ['mon.a', 'mgr.x', 'osd.0', 'client.rgw.gw'];

const endpoint = process.env.LOUPE_TEST_S3_ENDPOINT;
if (!endpoint) {
  console.error('LOUPE_TEST_S3_ENDPOINT is not set: scripts/ceph-s3.sh start && source /tmp/loupe-ceph/s3.env');
  process.exit(2);
}

/** RSS in MB of each daemon whose pid file scripts/ceph-s3.sh wrote, and their sum. */
function daemonsRss() {
  const each = Object.fromEntries(
    DAEMONS.map((name) => {
      const pid = Number(fs.readFileSync(path.join(values.dir, 'run', `${name}.pid`), 'utf8'));
      return [name, rssMb(pid)];
    }),
  );
  return { ...each, total: Object.values(each).reduce((a, b) => a + b, 0) };
}
const showRss = (label, rss) =>
  console.log(
    `RSS ${label}: ${Object.entries(rss)
      .map(([name, mb]) => `${name} ${mb.toFixed(0)} MB`)
      .join(', ')}`,
  );

/** Runs fn(i) for i in [0, n), `concurrency` at a time; the latency of each call in ms and the wall time in s. */
async function timed(n, fn) {
  const latencies = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t = process.hrtime.bigint();
        await fn(i);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  return { latencies, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
const showTimes = (label, { latencies, seconds }) =>
  console.log(
    `${label}: ${objects} x ${(size / 1024 / 1024).toFixed(2)} MB, concurrency ${concurrency}: ${seconds.toFixed(2)} s, ` +
      `${((objects * size) / 1024 / 1024 / seconds).toFixed(1)} MB/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
      `p90 ${percentile(latencies, 90).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
  );

const client = new S3Client({
  endpoint,
  region: process.env.LOUPE_TEST_S3_REGION ?? 'us-east-1',
  credentials: { accessKeyId: process.env.LOUPE_TEST_S3_ACCESS_KEY ?? '', secretAccessKey: process.env.LOUPE_TEST_S3_SECRET_KEY ?? '' },
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const bucket = `loupe-bench-${randomBytes(4).toString('hex')}`;
const bodies = Array.from({ length: 8 }, () => randomBytes(size));
const digest = (bytes) => createHash('sha256').update(bytes).digest('hex');
const digests = bodies.map(digest);
const key = (i) => `bench/object-${String(i).padStart(5, '0')}`;

showRss('after start', daemonsRss());
await client.send(new CreateBucketCommand({ Bucket: bucket }));
showTimes('PUT', await timed(objects, (i) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key(i), Body: bodies[i % bodies.length] }))));
showTimes(
  'GET',
  await timed(objects, async (i) => {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(i) }));
    if (digest(await got.Body.transformToByteArray()) !== digests[i % bodies.length]) throw new Error(`${key(i)} came back different`);
  }),
);
showRss('after the workload', daemonsRss());
for (let i = 0; i < objects; i++) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key(i) }));
await client.send(new DeleteBucketCommand({ Bucket: bucket }));
client.destroy();
