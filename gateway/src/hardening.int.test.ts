import { connectServerDatabase } from '@bisa/db/database.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import { auditServer } from 'graphql-http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from './gateway.ts';
import { DEFAULT_LIMITS } from './limits.ts';

// The gateway's production plugin stack against abuse and against the GraphQL-over-HTTP spec.

let db: TestDatabase;
let gateway: Gateway;

beforeAll(async () => {
  db = await createTestDatabase({ seedSample: false });
  gateway = createGateway({ database: db.database, logger: pino({ level: 'silent' }) });
  await gateway.start();
});

afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await gateway.yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const payload = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  return { status: response.status, payload };
}

const nested = (depth: number) =>
  `{ dimensions { ${'programmes { dimension { '.repeat(Math.ceil(depth / 2))}id${' } }'.repeat(Math.ceil(depth / 2))} } }`;

describe('limits checked before execution', () => {
  it('answers a normal dashboard query', async () => {
    const { status, payload } = await post(JSON.stringify({ query: '{ dimensions { id name { id } } }' }));
    expect(status).toBe(200);
    expect(payload.errors).toBeUndefined();
  });

  it('refuses a query nested deeper than the limit with 400 and QUERY_TOO_DEEP', async () => {
    const { status, payload } = await post(JSON.stringify({ query: nested(DEFAULT_LIMITS.maxDepth + 2) }));
    expect(status).toBe(400);
    expect(payload.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(payload.data).toBeUndefined();
  });

  it('counts depth through fragments', async () => {
    const query = `{ dimensions { ...deep } } fragment deep on Dimension { ${'programmes { dimension { '.repeat(8)}id${' } }'.repeat(8)} }`;
    const { status, payload } = await post(JSON.stringify({ query }));
    expect(status).toBe(400);
    expect(payload.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
  });

  it('refuses too many aliases with TOO_MANY_ALIASES', async () => {
    const aliases = Array.from(
      { length: DEFAULT_LIMITS.maxAliases + 1 },
      (_, i) => `a${i}: dimensions { id }`,
    );
    const { status, payload } = await post(JSON.stringify({ query: `{ ${aliases.join(' ')} }` }));
    expect(status).toBe(400);
    expect(payload.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ALIASES');
  });

  it('refuses a costly query (too many fields once fragments are expanded) with QUERY_TOO_COSTLY', async () => {
    // Each level doubles the fields through two spreads of the next fragment.
    const levels = 12;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment f${i} on Dimension { id sortOrder }`
        : `fragment f${i} on Dimension { id ...f${i + 1} coordinator { id } programmes { dimension { ...f${i + 1} } } }`,
    );
    const { status, payload } = await post(
      JSON.stringify({ query: `{ dimensions { ...f0 } } ${fragments.join(' ')}` }),
    );
    expect(status).toBe(400);
    expect(payload.errors?.map((e) => e.extensions?.code)).toContain('QUERY_TOO_COSTLY');
  });

  it('stops parsing a document with too many tokens with TOO_MANY_TOKENS', async () => {
    const query = `{ dimensions { ${'id '.repeat(DEFAULT_LIMITS.maxTokens)} } }`;
    const { status, payload } = await post(JSON.stringify({ query }));
    expect(status).toBe(400);
    expect(payload.errors?.[0]?.extensions?.code).toBe('TOO_MANY_TOKENS');
  });

  it('refuses a body over 1 MiB with 413 and a batch of operations', async () => {
    const large = JSON.stringify({
      query: '{ dimensions { id } }',
      variables: { padding: 'x'.repeat(1024 * 1024) },
    });
    const tooLarge = await post(large, { 'content-length': String(Buffer.byteLength(large)) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.payload.errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');

    const batch = await post(
      JSON.stringify([{ query: '{ dimensions { id } }' }, { query: '{ things { id } }' }]),
    );
    expect(batch.status).toBeGreaterThanOrEqual(400);
    expect(batch.payload.data).toBeUndefined();
  });
});

describe('unexpected errors', () => {
  it('reach the client masked, with a request id that finds the full error in the log', async () => {
    const logged: string[] = [];
    // Prisma points at a port where no database listens, so every programme query fails inside.
    const database = {
      ...connectServerDatabase(db.url),
      createPrisma: connectServerDatabase('postgres://bisa@127.0.0.1:1/unreachable').createPrisma,
    };
    const broken = createGateway({
      database,
      logger: pino({ level: 'error' }, { write: (line: string) => logged.push(line) }),
    });
    await broken.start();
    try {
      const response = await broken.yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ dimensions { id } }' }),
      });
      const requestId = response.headers.get('x-request-id');
      const text = await response.text();
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const body = JSON.parse(text) as {
        errors: { message: string; extensions: { code: string; requestId: string } }[];
      };
      expect(body.errors[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId });
      expect(body.errors[0]?.message).toContain(`Quote request id ${requestId}`);
      // Nothing internal leaks: no stack frames, host, port or driver wording.
      expect(text).not.toMatch(/at .*\.ts|127\.0\.0\.1|ECONNREFUSED|prisma|stack/i);
      const logLine = logged.find((line) => line.includes(requestId ?? 'missing'));
      expect(logLine).toMatch(/unexpected error while serving GraphQL/);
      expect(logLine).toMatch(/ECONNREFUSED|127\.0\.0\.1:1|connect/i);
    } finally {
      await broken.stop();
      await database.close();
    }
  });
});

describe('GraphQL over HTTP', () => {
  it('passes every MUST and SHOULD audit of the graphql-http suite', async () => {
    const results = await auditServer({
      url: 'http://gateway.test/graphql',
      fetchFn: async (input: RequestInfo | URL, init?: RequestInit) =>
        gateway.yoga.fetch(String(input), init ?? {}),
    });
    const failed = results
      .filter((result) => result.status !== 'ok' && !result.name.startsWith('MAY'))
      .map((result) => `${result.id} ${result.name}`);
    expect(failed).toEqual([]);
    expect(results.length).toBeGreaterThan(40);
  });
});
