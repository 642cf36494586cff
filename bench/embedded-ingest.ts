#!/usr/bin/env node
// Throughput and latency of one reading's whole path on the embedded hub: MQTT publish (QoS 1)
// -> embedded broker -> ingest (validate, commit, acknowledge) -> NOTIFY after commit.
// Usage: node bench/embedded-ingest.ts [--messages N] [--devices D]
import { parseArgs } from 'node:util';
import { Hub, SAMPLE_DEVICES } from '@bisa/hub/hub.ts';
import { connectSampleDevice, embeddedTestConfig } from '@bisa/hub/testing.ts';
import pino from 'pino';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    devices: { type: 'string', default: String(SAMPLE_DEVICES.length) },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    'Usage: node bench/embedded-ingest.ts [--messages N (default 5000)] [--devices D (default: all sample devices)]',
  );
  process.exit(0);
}
const total = Number(values.messages);
const devices = SAMPLE_DEVICES.slice(0, Number(values.devices));
if (!Number.isInteger(total) || total < 1 || devices.length < 1) {
  console.error(
    '--messages must be a positive integer and --devices between 1 and the number of sample devices',
  );
  process.exit(2);
}

const hub = new Hub(embeddedTestConfig(), pino({ level: 'silent' }));
await hub.start();

const committedAt = new Map<string, number>();
let committed = 0;
let resolveDone: () => void = () => {};
const done = new Promise<void>((resolve) => {
  resolveDone = resolve;
});
const stopListening = await hub.database.sql.listen('bisa_readings_committed', (payload) => {
  const now = performance.now();
  for (const r of JSON.parse(payload) as { time: string }[]) {
    committedAt.set(r.time, now);
    committed += 1;
  }
  if (committed >= total) resolveDone();
});

const clients = await Promise.all(devices.map((d) => connectSampleDevice(hub.addresses.mqtt, d.id)));

// Each message carries one value with a unique timestamp, so every message is one new reading.
const base = Date.now() - total * 1000;
const publishedAt = new Map<string, number>();
process.stderr.write(`publishing ${total} messages from ${devices.length} devices...\n`);
const start = performance.now();
await Promise.all(
  clients.map(async (client, c) => {
    const device = devices[c];
    const metric = device?.metrics[0];
    if (!device || !metric) return;
    for (let i = c; i < total; i += clients.length) {
      const time = new Date(base + i * 1000).toISOString();
      publishedAt.set(time, performance.now());
      await client.publishAsync(
        `bisa/v1/${device.id}/readings`,
        JSON.stringify({ time, values: { [metric]: i } }),
        {
          qos: 1,
        },
      );
    }
  }),
);
await done;
const seconds = (performance.now() - start) / 1000;

const latencies = [...publishedAt]
  .map(([time, at]) => (committedAt.get(time) ?? Number.NaN) - at)
  .sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1);
console.log(`messages            ${total} (QoS 1, one reading each, ${devices.length} devices)`);
console.log(`committed readings  ${committed}`);
console.log(`throughput          ${(total / seconds).toFixed(0)} readings/s (${seconds.toFixed(2)} s)`);
console.log(`publish->commit ms  p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${pct(100)}`);

await stopListening();
await Promise.all(clients.map((c) => c.endAsync()));
await hub.stop();
