import { tokenHash } from '@bisa/db/secret-hash.ts';
import type { TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey, type Role } from './auth/viewer.ts';
import type { Gateway } from './gateway.ts';
import { startTestGateway, type TestGateway } from './testing.ts';

// Dead letters through GraphQL: who may read them, the device and reason filters, and a payload
// that is not valid UTF-8.

let testGateway: TestGateway;
let db: TestDatabase;
let gateway: Gateway;
const bearer = new Map<Role, string>();

beforeAll(async () => {
  testGateway = await startTestGateway({ seedSample: false });
  ({ db, gateway } = testGateway);
  const prisma = db.database.createPrisma();
  for (const role of ['OPERATOR', 'VIEWER', 'ADMIN'] as const) {
    const key = newApiKey();
    await prisma.user.create({
      data: {
        email: `${role.toLowerCase()}@dead-letters.test`,
        name: role,
        role,
        passwordHash: 'not used: signs in with an API key',
        // A READ key: reading dead letters needs no right to change anything.
        apiKeys: {
          create: { name: 'test', prefix: key.slice(0, 9), keyHash: tokenHash(key), scope: 'read' },
        },
      },
    });
    bearer.set(role, key);
  }
  await prisma.$disconnect();
  // As ingest stores them (ingest/src/repositories/dead-letters.ts).
  const letters: [string, string | null, Buffer, string, string][] = [
    [
      'bisa/v1/masamba-river-01/readings',
      'masamba-river-01',
      Buffer.from('{"time":"yesterday"}'),
      'invalid_time',
      'time: not ISO 8601',
    ],
    [
      'bisa/v1/masamba-river-01/readings',
      'masamba-river-01',
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      'invalid_utf8',
      'not UTF-8',
    ],
    [
      'bisa/v1/baliase-river-01/readings',
      'baliase-river-01',
      Buffer.from('{}'),
      'invalid_shape',
      'values: required',
    ],
  ];
  for (const [topic, clientId, payload, reason, detail] of letters) {
    await db.database.sql.query(
      'INSERT INTO dead_letter (topic, client_id, payload, reason, detail) VALUES ($1, $2, $3, $4, $5)',
      [topic, clientId, payload, reason, detail],
    );
  }
});

afterAll(() => testGateway?.stop());

type Letters = {
  deadLetters: {
    totalCount: number;
    nodes: { topic: string; reason: string; payloadPreview: string; payloadBytes: number }[];
  };
};

async function deadLetters(role: Role | null, args = '') {
  const response = await gateway.yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(role ? { authorization: `Bearer ${bearer.get(role)}` } : {}),
    },
    body: JSON.stringify({
      query: `{ deadLetters${args} { totalCount nodes { topic reason payloadPreview payloadBytes } } }`,
    }),
  });
  return (await response.json()) as { data?: Letters; errors?: { extensions?: { code?: string } }[] };
}

describe('dead letters', () => {
  it('are listed newest first for operators and administrators', async () => {
    for (const role of ['OPERATOR', 'ADMIN'] as const) {
      const { data, errors } = await deadLetters(role);
      expect(errors).toBeUndefined();
      expect(data?.deadLetters.totalCount).toBe(3);
      expect(data?.deadLetters.nodes.map((letter) => letter.reason)).toEqual([
        'INVALID_SHAPE',
        'INVALID_UTF8',
        'INVALID_TIME',
      ]);
    }
  });

  it('are refused to anonymous callers and viewers', async () => {
    expect((await deadLetters(null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await deadLetters('VIEWER')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('filter by device and by reason, and show a payload that is not UTF-8 readably', async () => {
    const device = await deadLetters('OPERATOR', '(deviceId: "masamba-river-01")');
    expect(device.data?.deadLetters.nodes.map((letter) => letter.topic)).toEqual([
      'bisa/v1/masamba-river-01/readings',
      'bisa/v1/masamba-river-01/readings',
    ]);
    const utf8 = await deadLetters('OPERATOR', '(reason: INVALID_UTF8)');
    expect(utf8.data?.deadLetters.nodes).toEqual([
      {
        topic: 'bisa/v1/masamba-river-01/readings',
        reason: 'INVALID_UTF8',
        payloadPreview: '{\uFFFD\uFFFD}',
        payloadBytes: 4,
      },
    ]);
    const bad = await deadLetters('OPERATOR', '(deviceId: "Not A Device")');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
