import type { PrismaClient } from '@bisa/db/generated/prisma/client.ts';
import { tokenHash, verifySecret } from '@bisa/db/secret-hash.ts';
import type { TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from './auth/viewer.ts';
import type { Gateway } from './gateway.ts';
import { globalId, startTestGateway, type TestGateway } from './testing.ts';

// Devices and their data health through GraphQL: who sees which device's health and dead letters.
// The sample integrator owns the river gauges (prisma/src/sample-data.ts); a second integrator
// owns the market air sensor, so each can be asked for the other's device by id.

let testGateway: TestGateway;
let db: TestDatabase;
let gateway: Gateway;
let prisma: PrismaClient;
type Actor =
  | 'anonymous'
  | 'viewer'
  | 'reporter'
  | 'operator'
  | 'admin'
  | 'integrator'
  | 'otherIntegrator'
  | 'integratorWriter'
  | 'operatorWriter';
const bearer = new Map<Actor, string>();
const RIVER = 'masamba-river-01';
const MARKET = 'masamba-market-aq-01';

async function addKey(userId: string, actor: Actor): Promise<void> {
  const key = newApiKey();
  // READ keys: looking at a device's health changes nothing.
  await prisma.apiKey.create({
    data: { userId, name: 'test', prefix: key.slice(0, 9), keyHash: tokenHash(key), scope: 'read' },
  });
  bearer.set(actor, key);
}

beforeAll(async () => {
  testGateway = await startTestGateway();
  ({ db, gateway, prisma } = testGateway);
  const accounts = [
    ['viewer', 'VIEWER', null],
    ['reporter', 'REPORTER', 'bpbd'],
    ['operator', 'OPERATOR', null],
    ['admin', 'ADMIN', null],
    ['otherIntegrator', 'INTEGRATOR', null],
  ] as const;
  for (const [actor, role, agencyId] of accounts) {
    const user = await prisma.user.create({
      data: { email: `${actor.toLowerCase()}@devices.test`, name: actor, role, agencyId, passwordHash: 'x' },
    });
    await addKey(user.id, actor);
  }
  const sampleIntegrator = await prisma.user.findUniqueOrThrow({
    where: { email: 'integrator@contoh.bisa.id' },
  });
  await addKey(sampleIntegrator.id, 'integrator');
  const other = await prisma.user.findUniqueOrThrow({ where: { email: 'otherintegrator@devices.test' } });
  await prisma.thing.update({ where: { id: MARKET }, data: { ownerUserId: other.id } });

  // Write keys for the device mutations (a READ key may not change anything).
  for (const [actor, email] of [
    ['integratorWriter', 'integrator@contoh.bisa.id'],
    ['operatorWriter', 'operator@devices.test'],
  ] as const) {
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    const key = newApiKey();
    await prisma.apiKey.create({
      data: {
        userId: user.id,
        name: 'write',
        prefix: key.slice(0, 9),
        keyHash: tokenHash(key),
        scope: 'write',
      },
    });
    bearer.set(actor, key);
  }

  // As ingest leaves them (ingest/src/repositories/things.ts and dead-letters.ts).
  await db.database.sql.query(
    `UPDATE thing SET last_seen_at = '2026-12-01T08:00:00Z', last_accepted_at = '2026-12-01T07:59:00Z',
            last_error = 'invalid_shape: values: required', connection = 'online',
            connection_at = '2026-12-01T07:00:00Z' WHERE id = $1`,
    [RIVER],
  );
  for (const [device, detail] of [
    [RIVER, 'values: required'],
    [RIVER, 'time: not ISO 8601'],
    [MARKET, 'values.pm25: expected a number'],
  ] as const) {
    await db.database.sql.query(
      `INSERT INTO dead_letter (topic, client_id, payload, reason, detail) VALUES ($1, $2, $3, 'invalid_shape', $4)`,
      [`bisa/v1/${device}/readings`, device, Buffer.from('{"oops":1}'), detail],
    );
  }
});

afterAll(() => testGateway?.stop());

type Errors = { message: string; extensions?: { code?: string } }[];

async function graphql<T>(actor: Actor, query: string, variables: Record<string, unknown> = {}) {
  const key = bearer.get(actor);
  const response = await gateway.yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T | null; errors?: Errors };
}

const HEALTH = `health { lastSeenAt lastAcceptedAt lastError connection connectionSince disabledAt hasCredential
  owner { name role } recentDeadLetters(first: 5) { reason detail payloadPreview } }`;

describe('devices and their health', () => {
  it('lists every device for operators and administrators, and only their own for integrators', async () => {
    const query = `{ devices(first: 50) { totalCount nodes { databaseId health { hasCredential } } } }`;
    type Devices = {
      devices: { totalCount: number; nodes: { databaseId: string; health: object | null }[] };
    };
    for (const actor of ['operator', 'admin'] as const) {
      const { data, errors } = await graphql<Devices>(actor, query);
      expect(errors).toBeUndefined();
      expect(data?.devices.totalCount).toBe(5);
      expect(data?.devices.nodes.every((node) => node.health !== null)).toBe(true);
    }
    const own = await graphql<Devices>('integrator', query);
    expect(own.data?.devices).toEqual({
      totalCount: 2,
      nodes: [
        { databaseId: 'baliase-river-01', health: { hasCredential: true } },
        { databaseId: RIVER, health: { hasCredential: true } },
      ],
    });
    const other = await graphql<Devices>('otherIntegrator', query);
    expect(other.data?.devices.nodes.map((node) => node.databaseId)).toEqual([MARKET]);
  });

  it('refuses the device list to everyone else', async () => {
    const query = '{ devices { totalCount } }';
    expect((await graphql('anonymous', query)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const actor of ['viewer', 'reporter'] as const) {
      expect((await graphql(actor, query)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it("shows a device's health to its integrator by id, and null to another integrator and to viewers", async () => {
    const query = `query ($id: ID!) { node(id: $id) { ... on Thing { databaseId lastSeenAt ${HEALTH} } } }`;
    type Node = { node: { databaseId: string; lastSeenAt: string | null; health: unknown } };
    const river = { id: globalId('Thing', RIVER) };
    const expected = {
      lastSeenAt: '2026-12-01T08:00:00.000Z',
      lastAcceptedAt: '2026-12-01T07:59:00.000Z',
      lastError: 'invalid_shape: values: required',
      connection: 'ONLINE',
      connectionSince: '2026-12-01T07:00:00.000Z',
      disabledAt: null,
      hasCredential: true,
      owner: { name: 'Integrator pos duga air (contoh)', role: 'INTEGRATOR' },
      recentDeadLetters: [
        { reason: 'INVALID_SHAPE', detail: 'time: not ISO 8601', payloadPreview: '{"oops":1}' },
        { reason: 'INVALID_SHAPE', detail: 'values: required', payloadPreview: '{"oops":1}' },
      ],
    };
    for (const actor of ['integrator', 'operator', 'admin'] as const) {
      const { data, errors } = await graphql<Node>(actor, query, river);
      expect(errors).toBeUndefined();
      expect(data?.node.health).toEqual(expected);
    }
    for (const actor of ['otherIntegrator', 'viewer', 'reporter', 'anonymous'] as const) {
      const { data, errors } = await graphql<Node>(actor, query, river);
      expect(errors).toBeUndefined();
      // The public registry still answers; only the health is withheld.
      expect(data?.node).toMatchObject({ databaseId: RIVER, lastSeenAt: expected.lastSeenAt, health: null });
    }
    const market = await graphql<Node>('integrator', query, { id: globalId('Thing', MARKET) });
    expect(market.data?.node.health).toBeNull();
    const inPublicList = await graphql<{ things: { nodes: { health: unknown }[] } }>(
      'integrator',
      '{ things(first: 50) { nodes { health { hasCredential } } } }',
    );
    expect(inPublicList.data?.things.nodes.filter((node) => node.health !== null)).toHaveLength(2);
  });

  it('bounds the recent dead letters of a device', async () => {
    const { errors } = await graphql(
      'operator',
      `{ devices { nodes { health { recentDeadLetters(first: 21) { reason } } } } }`,
    );
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('dead letters for integrators', () => {
  type Letters = { deadLetters: { totalCount: number; nodes: { topic: string }[] } };
  const query = (args = '') => `{ deadLetters${args} { totalCount nodes { topic } } }`;

  it("gives an integrator its own devices' dead letters only", async () => {
    const own = await graphql<Letters>('integrator', query());
    expect(own.errors).toBeUndefined();
    expect(own.data?.deadLetters.totalCount).toBe(2);
    expect(own.data?.deadLetters.nodes.map((letter) => letter.topic)).toEqual([
      `bisa/v1/${RIVER}/readings`,
      `bisa/v1/${RIVER}/readings`,
    ]);
    const byId = await graphql<Letters>('integrator', query(`(deviceId: "${RIVER}")`));
    expect(byId.data?.deadLetters.totalCount).toBe(2);
    const other = await graphql<Letters>('otherIntegrator', query());
    expect(other.data?.deadLetters.nodes.map((letter) => letter.topic)).toEqual([
      `bisa/v1/${MARKET}/readings`,
    ]);
    const operator = await graphql<Letters>('operator', query());
    expect(operator.data?.deadLetters.totalCount).toBe(3);
  });

  it("refuses another integrator's device by id", async () => {
    const { data, errors } = await graphql<Letters>('integrator', query(`(deviceId: "${MARKET}")`));
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(errors?.[0]?.message).toBe(`deadLetters: "${MARKET}" is not one of your devices`);
    expect(data?.deadLetters ?? null).toBeNull();
  });
});

describe('device mutations', () => {
  const BALIASE = 'baliase-river-01';
  type Rotated = {
    rotateDeviceCredential:
      | { __typename: 'RotatedDeviceCredential'; secret: string; device: { databaseId: string } }
      | { __typename: 'DeviceDisabledError'; message: string; disabledAt: string };
  };
  const rotate = `mutation ($id: ID!) { rotateDeviceCredential(id: $id) { __typename
    ... on RotatedDeviceCredential { secret device { databaseId } }
    ... on DeviceDisabledError { message disabledAt } } }`;
  const storedHash = async (id: string) =>
    (await prisma.thing.findUniqueOrThrow({ where: { id } })).credentialHash;

  it('rotates its own device: the new secret is shown once and verifies, the old hash is gone, the audit keeps no secret', async () => {
    const before = await storedHash(BALIASE);
    const { data, errors } = await graphql<Rotated>('integratorWriter', rotate, {
      id: globalId('Thing', BALIASE),
    });
    expect(errors).toBeUndefined();
    const rotated = data?.rotateDeviceCredential;
    if (rotated?.__typename !== 'RotatedDeviceCredential')
      throw new Error(`not rotated: ${JSON.stringify(data)}`);
    expect(rotated.device.databaseId).toBe(BALIASE);
    const after = await storedHash(BALIASE);
    expect(after).not.toBe(before);
    expect(await verifySecret(rotated.secret, after ?? '')).toBe(true);
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { action: 'rotateDeviceCredential', targetId: BALIASE },
      orderBy: { id: 'desc' },
    });
    expect(audit.outcome).toBe('ok');
    expect(JSON.stringify(audit.detail)).not.toContain(rotated.secret);
  });

  it('refuses a READ key and answers DeviceDisabledError for a disabled device, which stays without a secret', async () => {
    const readOnly = await graphql<Rotated>('integrator', rotate, { id: globalId('Thing', BALIASE) });
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const disable =
      'mutation ($id: ID!) { disableDevice(id: $id) { databaseId health { disabledAt hasCredential } } }';
    type Disabled = { disableDevice: { health: { disabledAt: string; hasCredential: boolean } } };
    const first = await graphql<Disabled>('integratorWriter', disable, { id: globalId('Thing', BALIASE) });
    expect(first.errors).toBeUndefined();
    expect(first.data?.disableDevice.health.hasCredential).toBe(false);
    // Disabling again changes nothing, not even when.
    const again = await graphql<Disabled>('operatorWriter', disable, { id: globalId('Thing', BALIASE) });
    expect(again.data?.disableDevice.health.disabledAt).toBe(first.data?.disableDevice.health.disabledAt);

    const refused = await graphql<Rotated>('integratorWriter', rotate, { id: globalId('Thing', BALIASE) });
    expect(refused.errors).toBeUndefined();
    expect(refused.data?.rotateDeviceCredential).toEqual({
      __typename: 'DeviceDisabledError',
      message: expect.stringContaining('devices rotate baliase-river-01'),
      disabledAt: first.data?.disableDevice.health.disabledAt,
    });
    expect(await storedHash(BALIASE)).toBeNull();
  });

  it('reports no connection for a disabled device, whatever its last retained status said', async () => {
    const WIFI = 'masamba-park-wifi-01';
    // As ingest leaves a device whose retained status said online before it was disabled.
    await db.database.sql.query(
      `UPDATE thing SET connection = 'online', connection_at = '2026-12-01T07:00:00Z' WHERE id = $1`,
      [WIFI],
    );
    const health = `query ($id: ID!) { node(id: $id) { ... on Thing { health { connection connectionSince } } } }`;
    type Health = { node: { health: { connection: string | null; connectionSince: string | null } } };
    const id = globalId('Thing', WIFI);
    const before = await graphql<Health>('operator', health, { id });
    expect(before.data?.node.health).toEqual({
      connection: 'ONLINE',
      connectionSince: '2026-12-01T07:00:00.000Z',
    });

    const disabled = await graphql<{ disableDevice: { health: Health['node']['health'] } }>(
      'operatorWriter',
      'mutation ($id: ID!) { disableDevice(id: $id) { health { connection connectionSince } } }',
      { id },
    );
    expect(disabled.errors).toBeUndefined();
    expect(disabled.data?.disableDevice.health).toEqual({ connection: null, connectionSince: null });
    const listed = await graphql<{
      devices: { nodes: { databaseId: string; health: { connection: string | null } }[] };
    }>('operator', '{ devices(first: 50) { nodes { databaseId health { connection } } } }');
    expect(listed.data?.devices.nodes.find((node) => node.databaseId === WIFI)?.health.connection).toBeNull();
  });

  it('answers NOT_FOUND for an unknown device to those who look after every device', async () => {
    const { errors } = await graphql('operatorWriter', rotate, { id: globalId('Thing', 'ghost-01') });
    expect(errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
