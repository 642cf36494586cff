import { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectServerDatabase } from '@bisa/db/database.ts';
import { notifyReadingsCommitted } from '@bisa/db/notifications.ts';
import { datastreamIdOf, type TestDatabase } from '@bisa/db/testing.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGateway, type Gateway } from './gateway.ts';
import { createGatewayServer } from './http.ts';
import {
  eventStreamRequest,
  execute,
  globalId,
  insertReadings,
  openRawHttp,
  openSubscription,
  startTestGateway,
  type TestGateway,
} from './testing.ts';

// The gateway against a real PostgreSQL 15 (no TimescaleDB): programme data through Prisma,
// series through portable SQL, subscriptions fed by LISTEN/NOTIFY.

let testGateway: TestGateway;
let db: TestDatabase;
let gateway: Gateway;
let waterLevel: number;
let pm25: number;

beforeAll(async () => {
  testGateway = await startTestGateway();
  ({ db, gateway } = testGateway);
  waterLevel = await datastreamIdOf(db.database.sql, 'masamba-river-01', 'water_level');
  pm25 = await datastreamIdOf(db.database.sql, 'masamba-market-aq-01', 'pm25');
});

afterAll(() => testGateway?.stop());

describe('programme data', () => {
  it('lists the six dimensions in order with their coordinating OPD', async () => {
    const { data } = await execute<{
      dimensions: { id: string; databaseId: string; coordinator: { acronym: string } }[];
    }>(gateway.yoga, '{ dimensions { id databaseId coordinator { acronym } } }');
    expect(data?.dimensions.map((d) => d.databaseId)).toEqual([
      'governance',
      'branding',
      'economy',
      'living',
      'society',
      'environment',
    ]);
    expect(data?.dimensions.find((d) => d.databaseId === 'society')?.coordinator.acronym).toBe('BPBD');
    expect(data?.dimensions[0]?.id).toBe(globalId('Dimension', 'governance'));
  });

  it('serves a sample quick win with its owner, dates and devices', async () => {
    const { data } = await execute<{
      programme: {
        kind: string;
        isSample: boolean;
        name: { id: string; en: string };
        owner: { acronym: string };
        startDate: string;
        evaluationDate: string;
        things: { databaseId: string; location: { latitude: number } }[];
      };
    }>(
      gateway.yoga,
      `{ programme(id: "${globalId('Programme', 'flood-early-warning')}") {
          kind isSample name { id en } owner { acronym } startDate evaluationDate
          things { databaseId location { latitude } } } }`,
    );
    const programme = data?.programme;
    expect(programme?.kind).toBe('QUICK_WIN');
    expect(programme?.isSample).toBe(true);
    expect(programme?.owner.acronym).toBe('BPBD');
    expect(programme?.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Quick wins are evaluated one year after they start.
    expect(Number(programme?.evaluationDate.slice(0, 4))).toBe(Number(programme?.startDate.slice(0, 4)) + 1);
    expect(programme?.things.map((t) => t.databaseId)).toEqual(['baliase-river-01', 'masamba-river-01']);
    expect(programme?.things[0]?.location.latitude).toBeLessThan(0);
  });

  it('filters programmes by kind and returns null for an unknown programme', async () => {
    const { data } = await execute<{ programmes: { nodes: { kind: string }[] }; programme: null }>(
      gateway.yoga,
      `{ programmes(kind: QUICK_WIN) { nodes { kind } }
         programme(id: "${globalId('Programme', 'no-such-programme')}") { id } }`,
    );
    expect(data?.programmes.nodes.length).toBeGreaterThanOrEqual(4);
    expect(new Set(data?.programmes.nodes.map((p) => p.kind))).toEqual(new Set(['QUICK_WIN']));
    expect(data?.programme).toBeNull();
  });
});

describe('telemetry', () => {
  const SERIES = `query ($id: ID!, $from: DateTime!, $to: DateTime!, $bucket: SeriesBucket!, $aggregate: SeriesAggregate!) {
    datastream(id: $id) { key unit latest { time value } series(from: $from, to: $to, bucket: $bucket, aggregate: $aggregate) { bucket value count } } }`;

  beforeAll(async () => {
    await insertReadings(db.database.sql, waterLevel, [
      { time: '2026-11-27T15:00:10Z', value: 1.0 }, // 27 Nov 23:00 WITA
      { time: '2026-11-27T15:00:40Z', value: 3.0 },
      { time: '2026-11-27T15:01:05Z', value: 2.0 },
      { time: '2026-11-27T17:00:00Z', value: 4.0 }, // 28 Nov 01:00 WITA: the next local day
    ]);
  });

  it('serves the latest reading and minute buckets with each aggregate', async () => {
    const variables = {
      id: globalId('Datastream', waterLevel),
      from: '2026-11-27T15:00:00Z',
      to: '2026-11-27T15:02:00Z',
    };
    const avg = await execute<{
      datastream: { unit: string; latest: { time: string; value: number }; series: unknown[] };
    }>(gateway.yoga, SERIES, { ...variables, bucket: 'MINUTE', aggregate: 'AVG' });
    expect(avg.errors).toBeUndefined();
    expect(avg.data?.datastream.unit).toBe('m');
    expect(avg.data?.datastream.latest).toEqual({ time: '2026-11-27T17:00:00.000Z', value: 4 });
    expect(avg.data?.datastream.series).toEqual([
      { bucket: '2026-11-27T15:00:00.000Z', value: 2, count: 2 },
      { bucket: '2026-11-27T15:01:00.000Z', value: 2, count: 1 },
    ]);
    const max = await execute<{ datastream: { series: { value: number }[] } }>(gateway.yoga, SERIES, {
      ...variables,
      bucket: 'MINUTE',
      aggregate: 'MAX',
    });
    expect(max.data?.datastream.series.map((p) => p.value)).toEqual([3, 2]);
  });

  it("gives every bucket its lowest and highest reading beside the aggregate's value", async () => {
    const { data, errors } = await execute<{ datastream: { series: unknown[] } }>(
      gateway.yoga,
      `query ($id: ID!) { datastream(id: $id) {
        series(from: "2026-11-27T15:00:00Z", to: "2026-11-27T15:02:00Z", bucket: MINUTE) { value min max } } }`,
      { id: globalId('Datastream', waterLevel) },
    );
    expect(errors).toBeUndefined();
    expect(data?.datastream.series).toEqual([
      { value: 2, min: 1, max: 3 },
      { value: 2, min: 2, max: 2 },
    ]);
  });

  it('cuts day buckets at midnight in Luwu Utara (UTC+8), not at UTC midnight', async () => {
    const { data } = await execute<{ datastream: { series: { bucket: string; count: number }[] } }>(
      gateway.yoga,
      SERIES,
      {
        id: globalId('Datastream', waterLevel),
        from: '2026-11-26T00:00:00+08:00',
        to: '2026-11-29T00:00:00+08:00',
        bucket: 'DAY',
        aggregate: 'AVG',
      },
    );
    expect(data?.datastream.series).toEqual([
      { bucket: '2026-11-26T16:00:00.000Z', value: 2, count: 3 },
      { bucket: '2026-11-27T16:00:00.000Z', value: 4, count: 1 },
    ]);
  });

  it("tells when a datastream's first reading in a range was taken, not its bucket's start", async () => {
    const FIRST = `query ($id: ID!, $from: DateTime!, $to: DateTime!) {
      datastream(id: $id) { firstReadingAt(from: $from, to: $to) } }`;
    const id = globalId('Datastream', waterLevel);
    const first = async (from: string, to: string) => {
      const { data, errors } = await execute<{ datastream: { firstReadingAt: string | null } }>(
        gateway.yoga,
        FIRST,
        { id, from, to },
      );
      expect(errors).toBeUndefined();
      return data?.datastream.firstReadingAt;
    };
    expect(await first('2026-11-27T00:00:00Z', '2026-11-28T00:00:00Z')).toBe('2026-11-27T15:00:10.000Z');
    // The range decides: a later start skips the readings before it, none inside gives null.
    expect(await first('2026-11-27T15:00:30Z', '2026-11-28T00:00:00Z')).toBe('2026-11-27T15:00:40.000Z');
    expect(await first('2026-11-27T16:00:00Z', '2026-11-27T17:00:00Z')).toBeNull();
    const refused = await execute(gateway.yoga, FIRST, {
      id,
      from: '2026-11-28T00:00:00Z',
      to: '2026-11-27T00:00:00Z',
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('downsamples a long range itself when the client leaves the bucket to it', async () => {
    const AUTO = `query ($id: ID!, $from: DateTime!, $to: DateTime!, $maxPoints: Int) {
      datastream(id: $id) { series(from: $from, to: $to, maxPoints: $maxPoints) { bucket count } } }`;
    const id = globalId('Datastream', waterLevel);
    // Three local days: 4,320 minute buckets, 72 hour buckets, so hours (within the default 500).
    const hours = await execute<{ datastream: { series: { bucket: string; count: number }[] } }>(
      gateway.yoga,
      AUTO,
      { id, from: '2026-11-26T00:00:00+08:00', to: '2026-11-29T00:00:00+08:00' },
    );
    expect(hours.errors).toBeUndefined();
    expect(hours.data?.datastream.series).toEqual([
      { bucket: '2026-11-27T15:00:00.000Z', count: 3 },
      { bucket: '2026-11-27T17:00:00.000Z', count: 1 },
    ]);
    // At most 10 points over the same range: day buckets.
    const days = await execute<{ datastream: { series: { bucket: string; count: number }[] } }>(
      gateway.yoga,
      AUTO,
      { id, from: '2026-11-26T00:00:00+08:00', to: '2026-11-29T00:00:00+08:00', maxPoints: 10 },
    );
    expect(days.data?.datastream.series).toEqual([
      { bucket: '2026-11-26T16:00:00.000Z', count: 3 },
      { bucket: '2026-11-27T16:00:00.000Z', count: 1 },
    ]);
    const refused = await execute(gateway.yoga, AUTO, {
      id,
      from: '2026-11-26T00:00:00Z',
      to: '2026-11-27T00:00:00Z',
      maxPoints: 0,
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/maxPoints must be between 1 and 5000/);
  });

  it('refuses series requests it cannot answer well, saying what to change', async () => {
    const backwards = await execute(gateway.yoga, SERIES, {
      id: globalId('Datastream', waterLevel),
      from: '2026-11-28T00:00:00Z',
      to: '2026-11-27T00:00:00Z',
      bucket: 'MINUTE',
      aggregate: 'AVG',
    });
    expect(backwards.errors?.[0]?.message).toBe('series: "from" must be before "to"');
    expect(backwards.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const tooMany = await execute(gateway.yoga, SERIES, {
      id: globalId('Datastream', waterLevel),
      from: '2026-01-01T00:00:00Z',
      to: '2026-11-27T00:00:00Z',
      bucket: 'MINUTE',
      aggregate: 'AVG',
    });
    expect(tooMany.errors?.[0]?.message).toMatch(/buckets requested, at most 5000; choose a larger bucket/);

    const noOffset = await execute(gateway.yoga, SERIES, {
      id: globalId('Datastream', waterLevel),
      from: '2026-11-27T00:00:00',
      to: '2026-11-28T00:00:00Z',
      bucket: 'HOUR',
      aggregate: 'AVG',
    });
    expect(noOffset.errors?.[0]?.message).toContain('DateTime must be ISO 8601 with a UTC offset');

    const notGlobal = await execute(gateway.yoga, '{ datastream(id: "water_level") { key } }');
    expect(notGlobal.errors?.[0]?.message).toContain('"water_level" is not an id of this API');
    expect(notGlobal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badId = await execute(
      gateway.yoga,
      `{ datastream(id: "${globalId('Datastream', 'water_level')}") { key } }`,
    );
    expect(badId.errors?.[0]?.message).toContain('"water_level" is not a datastream id');
    expect(badId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const otherType = await execute(
      gateway.yoga,
      `{ datastream(id: "${globalId('Thing', 'masamba-river-01')}") { key } }`,
    );
    expect(otherType.errors?.[0]?.message).toBe('Expected the id of a Datastream, got the id of a Thing');
    expect(otherType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

function subscribe(query: string) {
  return openSubscription(
    async (url, init) => gateway.yoga.fetch(url, init),
    'http://gateway.test/graphql',
    query,
  );
}

describe('readingsCommitted subscription', () => {
  it('delivers committed readings of the programme asked for, and nothing rolled back', async () => {
    const stream = await subscribe(
      `subscription { readingsCommitted(programmeId: "${globalId('Programme', 'flood-early-warning')}") {
         datastreamId time value } }`,
    );
    // A NOTIFY is delivered only on commit: the rolled-back batch and the other programme's
    // reading must never arrive, so the first event must be the last batch's river reading.
    await db.database.sql
      .transaction(async (tx) => {
        await notifyReadingsCommitted(tx, [
          { datastreamId: waterLevel, time: '2026-11-28T01:00:00.000Z', value: 9 },
        ]);
        throw new Error('roll back');
      })
      .catch(() => {});
    await db.database.sql.transaction(async (tx) => {
      await notifyReadingsCommitted(tx, [
        { datastreamId: pm25, time: '2026-11-28T01:00:00.000Z', value: 35 },
      ]);
    });
    await db.database.sql.transaction(async (tx) => {
      await notifyReadingsCommitted(tx, [
        { datastreamId: pm25, time: '2026-11-28T01:00:01.000Z', value: 36 },
        { datastreamId: waterLevel, time: '2026-11-28T01:00:01.000Z', value: 2.5 },
      ]);
    });
    const event = await stream.next();
    stream.close();
    expect(event).toEqual({
      data: {
        readingsCommitted: [
          { datastreamId: globalId('Datastream', waterLevel), time: '2026-11-28T01:00:01.000Z', value: 2.5 },
        ],
      },
    });
  });

  it('delivers the readings of the devices asked for', async () => {
    const stream = await subscribe(
      `subscription { readingsCommitted(thingIds: ["${globalId('Thing', 'masamba-market-aq-01')}"]) {
         datastreamId value } }`,
    );
    await db.database.sql.transaction(async (tx) => {
      await notifyReadingsCommitted(tx, [
        { datastreamId: waterLevel, time: '2026-11-28T01:30:00.000Z', value: 3 },
      ]);
    });
    await db.database.sql.transaction(async (tx) => {
      await notifyReadingsCommitted(tx, [
        { datastreamId: waterLevel, time: '2026-11-28T01:30:01.000Z', value: 3.1 },
        { datastreamId: pm25, time: '2026-11-28T01:30:01.000Z', value: 40 },
      ]);
    });
    const event = await stream.next();
    stream.close();
    expect(event).toEqual({
      data: { readingsCommitted: [{ datastreamId: globalId('Datastream', pm25), value: 40 }] },
    });
    const unknown = await subscribe(
      `subscription { readingsCommitted(thingIds: ["${globalId('Thing', 'no-such-device')}"]) { value } }`,
    );
    const refused = await unknown.next();
    unknown.close();
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reaches subscribers of every replica: each gateway listens to the database itself', async () => {
    // A second replica with its own connections, as a second process would have.
    const otherDatabase = connectServerDatabase(db.url);
    const other = createGateway({ database: otherDatabase, logger: pino({ level: 'silent' }) });
    await other.start();
    try {
      const query = `subscription { readingsCommitted(datastreamIds: ["${globalId('Datastream', waterLevel)}"]) {
        time value } }`;
      const onFirst = await subscribe(query);
      const onSecond = await openSubscription(
        async (url, init) => other.yoga.fetch(url, init),
        'http://replica-2.test/graphql',
        query,
      );
      await db.database.sql.transaction(async (tx) => {
        await notifyReadingsCommitted(tx, [
          { datastreamId: waterLevel, time: '2026-11-28T02:00:00.000Z', value: 4.2 },
        ]);
      });
      const expected = { data: { readingsCommitted: [{ time: '2026-11-28T02:00:00.000Z', value: 4.2 }] } };
      expect(await onFirst.next()).toEqual(expected);
      expect(await onSecond.next()).toEqual(expected);
      onFirst.close();
      onSecond.close();
    } finally {
      await other.stop();
      await otherDatabase.close();
    }
  });

  it("streams over the gateway's HTTP server: Yoga's head, then each reading as a valid chunk", async () => {
    const server = createGatewayServer({
      yoga: gateway.yoga,
      database: db.database,
      logger: pino({ level: 'silent' }),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // What Node's response writes itself; the readings go past it, straight to the socket.
    const responseWrites = vi.spyOn(ServerResponse.prototype, 'write');
    try {
      const query = `subscription { readingsCommitted(datastreamIds: ["${globalId('Datastream', waterLevel)}"]) {
        time value } }`;
      const streams = [
        openRawHttp((server.address() as AddressInfo).port),
        openRawHttp((server.address() as AddressInfo).port),
      ];
      for (const stream of streams) {
        stream.send(eventStreamRequest(query, { headers: { Origin: 'http://dashboard.test' } }));
        await stream.until(() => (stream.responses[0]?.frames.length ?? 0) === 1);
      }
      for (const [i, value] of [5.1, 5.2].entries()) {
        await db.database.sql.transaction(async (tx) => {
          await notifyReadingsCommitted(tx, [
            { datastreamId: waterLevel, time: `2026-11-28T03:00:0${i}.000Z`, value },
          ]);
        });
        for (const stream of streams) await stream.until(() => stream.responses[0]?.frames.length === i + 2);
      }
      const requestIds = new Set<string | undefined>();
      for (const stream of streams) {
        const [response] = stream.responses;
        expect(response?.status).toBe(200);
        expect(response?.chunked).toBe(true);
        expect(response?.headers['content-type']).toBe('text/event-stream');
        expect(response?.headers['access-control-allow-origin']).toBe('http://dashboard.test');
        expect(response?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
        requestIds.add(response?.headers['x-request-id']);
        expect(response?.frames).toEqual([
          ':',
          'event: next\ndata: {"data":{"readingsCommitted":[{"time":"2026-11-28T03:00:00.000Z","value":5.1}]}}',
          'event: next\ndata: {"data":{"readingsCommitted":[{"time":"2026-11-28T03:00:01.000Z","value":5.2}]}}',
        ]);
      }
      expect(requestIds.size).toBe(2);
      expect(responseWrites.mock.calls.map(([chunk]) => String(chunk))).toEqual([':\n\n', ':\n\n']);
    } finally {
      responseWrites.mockRestore();
      server.closeAllConnections();
      server.close();
    }
  });

  it('refuses an unknown programme with NOT_FOUND instead of staying silent', async () => {
    const stream = await subscribe(
      `subscription { readingsCommitted(programmeId: "${globalId('Programme', 'nope')}") { value } }`,
    );
    const event = await stream.next();
    stream.close();
    expect(event.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(event.errors?.[0]?.message).toContain('No programme has the id "nope"');
  });
});
