// Issue 3's bad-input test: 10,000 malformed messages (generated with fast-check, plus a fixed
// corpus with every rejection reason of the contract) interleaved with 10,000 valid ones, through
// a private Mosquitto to the worker process. Every malformed message must become one dead letter
// with the reason the contract gives, every valid reading must be stored, and the worker must
// still be healthy afterwards.
import {
  MAX_BATCH_LENGTH,
  MAX_PAYLOAD_BYTES,
  REJECTION_REASONS,
  type RejectionReason,
} from '@bisa/contract/payload.ts';
import { readingsTopic, statusTopic } from '@bisa/contract/topics.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import fc from 'fast-check';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { disableDevice } from './repositories/devices.ts';
import { connectFleet, FLEET_METRIC, type Publication, registerFleet } from './testing/fleet.ts';
import { auditDatabase, Ledger, perfectAudit } from './testing/ledger.ts';
import {
  freePort,
  infraMosquittoSettings,
  type PrivateMosquitto,
  startPrivateMosquitto,
} from './testing/servers.ts';
import { INGEST_MAIN, spawnWorker, type WorkerProcess } from './testing/worker-process.ts';

const COUNT = 10_000;
const DEVICES = Array.from({ length: 5 }, (_, i) => `bad-input-device-${i}`);
const DISABLED = 'bad-input-disabled';
const PUBLISHERS = ['publisher-0', 'publisher-1', 'publisher-2', 'publisher-3'];
const NOW = Date.now();
const DAY = 86_400_000;
const WAIT = { timeout: 120_000, interval: 100 };
// Printed, so that a failing run can be repeated with the same messages.
const SEED = NOW % 2 ** 31;

interface Sample {
  topic: string;
  payload: Buffer;
  reason: RejectionReason;
}

const sample = (topic: string, payload: string | Uint8Array, reason: RejectionReason): Sample => ({
  topic,
  payload: Buffer.from(payload),
  reason,
});
const device = fc.constantFrom(...DEVICES);
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const inWindow = fc.integer({ min: NOW - 29 * DAY, max: NOW - 60_000 });
const iso = (ms: number) => new Date(ms).toISOString();
// Absolute SenML seconds; below 2**28 (1978) SenML times are relative, which is its own refusal.
const senmlSeconds = (ms: number) => ms / 1000;
const bisa = (ms: number, values: Record<string, unknown>) => JSON.stringify({ time: iso(ms), values });
const metricKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);
const notMetricKey = fc.stringMatching(/^[A-Z0-9_][A-Za-z0-9 _-]{0,15}$/);
const outsideWindow = fc.oneof(
  fc.integer({ min: Date.UTC(1980, 0, 1), max: NOW - 31 * DAY }),
  fc.integer({ min: NOW + 3600_000, max: Date.UTC(2200, 0, 1) }),
);
/** JSON text for a value that is not a finite number: a string number, a literal too large, another type. */
const notFiniteNumber = fc.oneof(
  finite.map((v) => JSON.stringify(String(v))),
  fc.tuple(fc.constantFrom('', '-'), fc.integer({ min: 309, max: 99_999 })).map(([s, e]) => `${s}1e${e}`),
  fc.oneof(fc.boolean(), fc.constant(null), fc.array(finite, { maxLength: 3 })).map((v) => JSON.stringify(v)),
  fc.dictionary(metricKey, finite, { maxKeys: 2 }).map((v) => JSON.stringify(v)),
);
const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** For each reason, messages that must get it (the contract's order of checks decides which applies first). */
const generators: Record<
  Exclude<RejectionReason, 'payload_too_large' | 'batch_too_large'>,
  fc.Arbitrary<Sample>
> = {
  invalid_topic: fc
    .tuple(
      fc.oneof(
        fc.stringMatching(/^[A-Z_.][A-Za-z0-9_.]{0,20}$/),
        fc.constant(''),
        fc.stringMatching(/^[a-z0-9]$/),
        fc.stringMatching(/^-[a-z0-9-]{1,10}$/),
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{63,70}$/),
      ),
      fc.constantFrom('readings', 'status'),
      fc.uint8Array({ maxLength: 40 }),
    )
    .map(([id, kind, bytes]) => sample(`bisa/v1/${id}/${kind}`, bytes, 'invalid_topic')),
  invalid_utf8: fc
    .tuple(device, fc.boolean(), fc.uint8Array({ maxLength: 100 }), fc.nat())
    .map(([d, status, bytes, at]) => {
      // 0xFF never occurs in UTF-8.
      const i = at % (bytes.length + 1);
      const payload = Buffer.concat([bytes.subarray(0, i), Buffer.from([0xff]), bytes.subarray(i)]);
      return sample(status ? statusTopic(d) : readingsTopic(d), payload, 'invalid_utf8');
    }),
  invalid_json: fc
    .tuple(device, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }))
    .map(([d, s]) => sample(readingsTopic(d), `{"time":${s}`, 'invalid_json'))
    .filter((s) => !isJson(s.payload.toString())),
  invalid_shape: fc.oneof(
    fc
      .tuple(device, inWindow, fc.oneof(finite, fc.string(), fc.boolean(), fc.constant(null)))
      .map(([d, t, values]) =>
        sample(readingsTopic(d), JSON.stringify({ time: iso(t), values }), 'invalid_shape'),
      ),
    fc.tuple(device, inWindow).map(([d, t]) => sample(readingsTopic(d), bisa(t, {}), 'invalid_shape')),
    fc
      .tuple(device, inWindow, notMetricKey, finite)
      .map(([d, t, k, v]) => sample(readingsTopic(d), bisa(t, { [k]: v }), 'invalid_shape')),
    fc
      .tuple(device, fc.array(fc.oneof(finite, fc.string(), fc.constant(null)), { maxLength: 5 }))
      .map(([d, items]) => sample(readingsTopic(d), JSON.stringify(items), 'invalid_shape')),
    fc
      .tuple(device, inWindow, notMetricKey, finite)
      .map(([d, t, n, v]) =>
        sample(readingsTopic(d), JSON.stringify([{ n, v, t: senmlSeconds(t) }]), 'invalid_shape'),
      ),
    fc
      .tuple(device, inWindow, fc.stringMatching(/^[a-z]{1,8}_$/))
      .map(([d, t, label]) =>
        sample(
          readingsTopic(d),
          JSON.stringify([{ n: FLEET_METRIC, v: 1, t: senmlSeconds(t), [label]: 1 }]),
          'invalid_shape',
        ),
      ),
  ),
  ambiguous_field: fc.oneof(
    fc
      .tuple(device, inWindow, finite, fc.constantFrom('n', 'v', 't', 'bn', 'bt', 'u', 's'))
      .map(([d, t, v, label]) =>
        sample(
          readingsTopic(d),
          JSON.stringify({ time: iso(t), values: { [FLEET_METRIC]: v }, [label]: 1 }),
          'ambiguous_field',
        ),
      ),
    fc.tuple(device, inWindow, finite).map(([d, t, v]) =>
      sample(
        readingsTopic(d),
        JSON.stringify([
          { time: iso(t), values: { [FLEET_METRIC]: v } },
          { n: FLEET_METRIC, v, t: senmlSeconds(t) + 1 },
        ]),
        'ambiguous_field',
      ),
    ),
    fc
      .tuple(device, inWindow, finite, finite)
      .map(([d, t, a, b]) =>
        sample(
          readingsTopic(d),
          `[${bisa(t, { [FLEET_METRIC]: a })},${bisa(t, { [FLEET_METRIC]: b })}]`,
          'ambiguous_field',
        ),
      ),
    fc
      .tuple(fc.constantFrom(0, 1, 2, 3), inWindow, finite)
      .map(([i, t, v]) =>
        sample(
          readingsTopic(DEVICES[i] as string),
          JSON.stringify([{ bn: `${DEVICES[i + 1]}:`, n: FLEET_METRIC, v, t: senmlSeconds(t) }]),
          'ambiguous_field',
        ),
      ),
    fc
      .tuple(device, inWindow, finite, fc.string({ maxLength: 10 }))
      .map(([d, t, v, vs]) =>
        sample(
          readingsTopic(d),
          JSON.stringify([{ n: FLEET_METRIC, v, vs, t: senmlSeconds(t) }]),
          'ambiguous_field',
        ),
      ),
  ),
  invalid_time: fc.oneof(
    fc
      .tuple(device, inWindow, fc.constantFrom(19, 23), finite)
      .map(([d, t, length, v]) =>
        sample(
          readingsTopic(d),
          JSON.stringify({ time: iso(t).slice(0, length), values: { [FLEET_METRIC]: v } }),
          'invalid_time',
        ),
      ),
    fc
      .tuple(device, fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.boolean()), finite)
      .map(([d, time, v]) =>
        sample(readingsTopic(d), JSON.stringify({ time, values: { [FLEET_METRIC]: v } }), 'invalid_time'),
      ),
    fc
      .tuple(device, finite)
      .map(([d, v]) =>
        sample(readingsTopic(d), JSON.stringify({ values: { [FLEET_METRIC]: v } }), 'invalid_time'),
      ),
    fc
      .tuple(device, fc.integer({ min: -(2 ** 28) + 1, max: 2 ** 28 - 1 }), finite)
      .map(([d, t, v]) =>
        sample(readingsTopic(d), JSON.stringify([{ n: FLEET_METRIC, v, t }]), 'invalid_time'),
      ),
  ),
  time_outside_window: fc
    .tuple(device, outsideWindow, finite, fc.boolean())
    .map(([d, t, v, senml]) =>
      sample(
        readingsTopic(d),
        senml ? JSON.stringify([{ n: FLEET_METRIC, v, t: senmlSeconds(t) }]) : bisa(t, { [FLEET_METRIC]: v }),
        'time_outside_window',
      ),
    ),
  invalid_value: fc
    .tuple(device, inWindow, notFiniteNumber, fc.boolean())
    .map(([d, t, text, senml]) =>
      sample(
        readingsTopic(d),
        senml
          ? `[{"n":"${FLEET_METRIC}","t":${senmlSeconds(t)},"v":${text}}]`
          : `{"time":"${iso(t)}","values":{"${FLEET_METRIC}":${text}}}`,
        'invalid_value',
      ),
    ),
  invalid_status: fc
    .tuple(device, fc.string({ maxLength: 30 }))
    .filter(([, s]) => s !== 'online' && s !== 'offline')
    .map(([d, s]) => sample(statusTopic(d), s, 'invalid_status')),
  unknown_device: fc
    .tuple(fc.stringMatching(/^[a-z0-9-]{1,40}$/), inWindow, finite)
    .map(([id, t, v]) =>
      sample(readingsTopic(`ghost-${id}`), bisa(t, { [FLEET_METRIC]: v }), 'unknown_device'),
    ),
  device_disabled: fc
    .tuple(inWindow, finite)
    .map(([t, v]) => sample(readingsTopic(DISABLED), bisa(t, { [FLEET_METRIC]: v }), 'device_disabled')),
  unknown_metric: fc
    .tuple(
      device,
      inWindow,
      metricKey.filter((k) => k !== FLEET_METRIC),
      finite,
      fc.boolean(),
    )
    .map(([d, t, key, v, senml]) =>
      sample(
        readingsTopic(d),
        senml ? JSON.stringify([{ n: key, v, t: senmlSeconds(t) }]) : bisa(t, { [key]: v }),
        'unknown_metric',
      ),
    ),
};

/** One or more hand-written cases per reason, including the two the generators leave out (they are big). */
function fixedCorpus(): Sample[] {
  const t = NOW - DAY;
  const r = readingsTopic(DEVICES[0] as string);
  const cases: Sample[] = [
    sample('bisa/v1/Masamba_River/readings', bisa(t, { water_level: 1 }), 'invalid_topic'),
    sample('bisa/v1//readings', bisa(t, { water_level: 1 }), 'invalid_topic'),
    sample(r, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), 'invalid_utf8'),
    sample(statusTopic(DEVICES[0] as string), Buffer.from([0x6f, 0x6e, 0xed, 0xa0, 0x80]), 'invalid_utf8'),
    sample(r, '{"time": "2026-01-01T00:00:00Z", "values": {"water_level": 1}', 'invalid_json'),
    sample(r, '', 'invalid_json'),
    sample(r, '[]', 'invalid_shape'),
    sample(r, JSON.stringify({ time: iso(t), values: { 'Water-Level': 1 } }), 'invalid_shape'),
    sample(r, JSON.stringify([{ bn: 7, n: 'water_level', v: 1, t: t / 1000 }]), 'invalid_shape'),
    sample(r, JSON.stringify({ time: iso(t), values: { water_level: 1 }, n: 'x' }), 'ambiguous_field'),
    sample(
      r,
      JSON.stringify([{ bn: 'someone-else:', n: 'water_level', v: 1, t: t / 1000 }]),
      'ambiguous_field',
    ),
    sample(r, JSON.stringify({ time: '2026-11-28T10:00:00', values: { water_level: 1 } }), 'invalid_time'),
    sample(r, JSON.stringify([{ n: 'water_level', v: 1 }]), 'invalid_time'),
    sample(
      r,
      JSON.stringify({ time: '1970-01-01T00:00:00Z', values: { water_level: 1 } }),
      'time_outside_window',
    ),
    sample(r, bisa(NOW + DAY, { water_level: 1 }), 'time_outside_window'),
    sample(r, bisa(t, { water_level: '1.5' }), 'invalid_value'),
    sample(r, `{"time":"${iso(t)}","values":{"water_level":1e999}}`, 'invalid_value'),
    sample(r, `{"time":"${iso(t)}","values":{"water_level":-1e400}}`, 'invalid_value'),
    sample(r, JSON.stringify([{ n: 'water_level', vs: 'high', t: t / 1000 }]), 'invalid_value'),
    sample(r, JSON.stringify([{ bv: 1e308, n: 'water_level', v: 1e308, t: t / 1000 }]), 'invalid_value'),
    sample(statusTopic(DEVICES[0] as string), 'ONLINE', 'invalid_status'),
    sample(readingsTopic('ghost-device-01'), bisa(t, { water_level: 1 }), 'unknown_device'),
    sample(statusTopic('ghost-device-01'), 'online', 'unknown_device'),
    sample(readingsTopic(DISABLED), bisa(t, { water_level: 1 }), 'device_disabled'),
    sample(r, bisa(t, { water_level: 1, pm25: 3 }), 'unknown_metric'),
    sample(r, JSON.stringify([{ bn: `${DEVICES[0]}:`, n: 'rainfall', v: 1, t: t / 1000 }]), 'unknown_metric'),
  ];
  for (let i = 0; i < 20; i += 1) {
    // Over the limit by 1 to 1,901 bytes; the dead letter keeps the first MAX_PAYLOAD_BYTES.
    const payload = Buffer.alloc(MAX_PAYLOAD_BYTES + 1 + i * 100, 0x20);
    payload.write(`{"oversize":${i}`);
    cases.push(sample(r, payload, 'payload_too_large'));
  }
  for (let i = 0; i < 20; i += 1) {
    const items = Array.from({ length: MAX_BATCH_LENGTH + 1 + i }, (_, k) => ({
      time: iso(t + k * 1000),
      values: { water_level: k },
    }));
    cases.push(sample(r, JSON.stringify(items), 'batch_too_large'));
  }
  return cases;
}

/** 10,000 distinct malformed messages: the fixed corpus, then generated ones until the count is reached. */
function malformedMessages(): Sample[] {
  const byKey = new Map<string, Sample>();
  const add = (s: Sample) => byKey.set(`${s.topic} ${s.payload.toString('hex')}`, s);
  for (const s of fixedCorpus()) add(s);
  const any = fc.oneof(...Object.values(generators));
  for (let round = 0; byKey.size < COUNT; round += 1) {
    for (const s of fc.sample(any, { numRuns: 1000, seed: SEED + round })) {
      if (byKey.size < COUNT) add(s);
    }
  }
  return [...byKey.values()];
}

/** 10,000 valid messages: single BISA readings, BISA batches of three, and SenML packs, with generated values. */
function validMessages(ledger: Ledger): Publication[] {
  const values = fc.sample(finite, { numRuns: COUNT * 3, seed: SEED });
  const base = NOW - 20 * DAY;
  return Array.from({ length: COUNT }, (_, i) => {
    const thing = DEVICES[i % DEVICES.length] as string;
    const times = [0, 1, 2].map((k) => base + i * 100 + k * 10);
    const v = (k: number) => values[i * 3 + k] as number;
    const kind = i % 10;
    let payload: string;
    if (kind < 7) {
      payload = bisa(times[0] as number, { [FLEET_METRIC]: v(0) });
      ledger.addReading(thing, FLEET_METRIC, new Date(times[0] as number), v(0));
    } else if (kind < 9) {
      payload = JSON.stringify(times.map((t, k) => ({ time: iso(t), values: { [FLEET_METRIC]: v(k) } })));
      for (const [k, t] of times.entries()) ledger.addReading(thing, FLEET_METRIC, new Date(t), v(k));
    } else {
      const [first = 0] = times;
      payload = JSON.stringify([
        { bn: `${thing}:`, bt: first / 1000, n: FLEET_METRIC, v: v(0) },
        { n: FLEET_METRIC, t: 0.01, v: v(1) },
      ]);
      ledger.addReading(thing, FLEET_METRIC, new Date(first), v(0));
      ledger.addReading(thing, FLEET_METRIC, new Date(first + 10), v(1));
    }
    return { device: PUBLISHERS[i % PUBLISHERS.length] as string, topic: readingsTopic(thing), payload };
  });
}

let db: TestDatabase;
let broker: PrivateMosquitto;
let worker: WorkerProcess;
let httpPort: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await registerFleet(db.database, [...DEVICES, DISABLED]);
  await disableDevice(db.database.sql, DISABLED);
  broker = await startPrivateMosquitto({
    settings: [
      'allow_anonymous true',
      ...(await infraMosquittoSettings([
        'max_queued_messages',
        'max_queued_bytes',
        'max_inflight_messages',
        'max_packet_size',
      ])),
    ],
  });
  httpPort = await freePort();
  worker = spawnWorker(INGEST_MAIN, {
    DATABASE_URL: db.url,
    MQTT_URL: broker.url,
    INGEST_CLIENT_ID: 'bad-input-ingest',
    INGEST_CONNECTIONS: '4',
    INGEST_HTTP_PORT: String(httpPort),
  });
  await worker.ready();
});

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await broker?.destroy();
  await db?.drop();
});

async function counts(): Promise<{ readings: number; letters: number }> {
  const { rows } = await db.database.sql.query<{ readings: string; letters: string }>(
    `SELECT (SELECT count(*) FROM reading r JOIN datastream d ON d.id = r.datastream_id
              WHERE d.thing_id = ANY($1::text[])) AS readings,
            (SELECT count(*) FROM dead_letter) AS letters`,
    [DEVICES],
  );
  return { readings: Number(rows[0]?.readings), letters: Number(rows[0]?.letters) };
}

describe('ingest fed 10,000 malformed messages among 10,000 valid ones', () => {
  it('has a fixed case for every rejection reason of the contract', () => {
    expect(new Set(fixedCorpus().map((s) => s.reason))).toEqual(new Set(REJECTION_REASONS));
  });

  it('dead-letters each malformed message with its reason, stores every valid reading and stays healthy', async () => {
    const ledger = new Ledger();
    const valid = validMessages(ledger);
    const malformed = malformedMessages();
    for (const m of malformed) ledger.addMalformed(m.topic, m.payload, m.reason);
    const publications: Publication[] = [];
    for (let i = 0; i < COUNT; i += 1) {
      publications.push(valid[i] as Publication);
      const m = malformed[i] as Sample;
      publications.push({
        device: PUBLISHERS[i % PUBLISHERS.length] as string,
        topic: m.topic,
        payload: m.payload,
      });
    }
    // Extra topic levels: no ingest subscription matches, so the broker routes them to nobody;
    // the audit counts any dead letter or reading they caused as unexpected.
    for (const topic of [`${readingsTopic(DEVICES[0] as string)}/extra`, `bisa/v1/a/b/readings`]) {
      publications.push({
        device: PUBLISHERS[0] as string,
        topic,
        payload: bisa(NOW - DAY, { water_level: 1 }),
      });
    }
    const started = performance.now();
    const fleet = await connectFleet({ url: broker.url, names: PUBLISHERS });
    try {
      await fleet.publish(publications);
    } finally {
      await fleet.end();
    }
    // A wildcard in a topic name breaks the protocol: the broker drops the connection.
    const wildcard = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => wildcard.once('close', () => resolve()));
    wildcard.publish('bisa/v1/+/readings', bisa(NOW - DAY, { water_level: 1 }), { qos: 1 });
    await closed;
    wildcard.end(true);

    await vi.waitFor(async () => {
      const now = await counts();
      expect(now.readings).toBeGreaterThanOrEqual(ledger.readings.size);
      expect(now.letters).toBeGreaterThanOrEqual(ledger.malformed.size);
    }, WAIT);
    const audit = await auditDatabase(db.database.sql, ledger, { devices: DEVICES });
    const byReason = Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0]));
    for (const m of malformed) byReason[m.reason] = (byReason[m.reason] ?? 0) + 1;
    console.log(
      `bad input (seed ${SEED}): ${publications.length} messages in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `${ledger.readings.size} readings, ${malformed.length} malformed by reason ${JSON.stringify(byReason)}; ` +
        `${audit.deadLetterRepeats} dead-letter repeats`,
    );
    expect(audit).toMatchObject(perfectAudit(ledger));
    expect(ledger.malformed.size).toBe(COUNT);

    expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', mqtt: true, database: true });
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    for (const reason of REJECTION_REASONS) {
      const counted = new RegExp(`^bisa_ingest_dead_letters_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(
        metrics,
      );
      expect({ reason, count: Number(counted?.[1]) }).toEqual({ reason, count: byReason[reason] });
    }
  }, 240_000);
});
