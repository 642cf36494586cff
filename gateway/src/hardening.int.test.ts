import { request as httpRequest } from 'node:http';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { connectServerDatabase } from '@bisa/db/database.ts';
import { tokenHash } from '@bisa/db/secret-hash.ts';
import type { TestDatabase } from '@bisa/db/testing.ts';
import { auditServer } from 'graphql-http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey, type Role } from './auth/viewer.ts';
import { createGateway, type Gateway } from './gateway.ts';
import { createGatewayServer } from './http.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { startTestGateway, type TestGateway } from './testing.ts';

// The gateway's production plugin stack against abuse and against the GraphQL-over-HTTP spec.

let testGateway: TestGateway;
let db: TestDatabase;
let gateway: Gateway;
const bearer = new Map<Role, Record<string, string>>();

beforeAll(async () => {
  testGateway = await startTestGateway({ seedSample: false });
  ({ db, gateway } = testGateway);
  const prisma = db.database.createPrisma();
  for (const role of ['ADMIN', 'OPERATOR'] as const) {
    const key = newApiKey();
    await prisma.user.create({
      data: {
        email: `${role.toLowerCase()}@hardening.test`,
        name: role,
        role,
        passwordHash: 'not used: signs in with an API key',
        apiKeys: {
          create: { name: 'test', prefix: key.slice(0, 9), keyHash: tokenHash(key), scope: 'read' },
        },
      },
    });
    bearer.set(role, { authorization: `Bearer ${key}` });
  }
  await prisma.$disconnect();
});

afterAll(() => testGateway?.stop());

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

describe('the body limit over HTTP', () => {
  // Bodies with a Content-Length are judged by the header; these are the ones that are not.
  let server: ReturnType<typeof createGatewayServer>;
  let port: number;

  beforeAll(async () => {
    server = createGatewayServer({
      yoga: gateway.yoga,
      database: db.database,
      logger: pino({ level: 'silent' }),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  /** POSTs `chunks` with chunked transfer encoding (no Content-Length). */
  function postChunked(chunks: string[]): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          path: '/graphql',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }

  it('counts a chunked body and refuses it with 413 past 1 MiB', async () => {
    const body = JSON.stringify({
      query: '{ dimensions { id } }',
      variables: { padding: 'x'.repeat(1024 * 1024) },
    });
    const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) =>
      body.slice(i * 65536, (i + 1) * 65536),
    );
    const { status, body: answer } = await postChunked(chunks);
    expect(status).toBe(413);
    expect(JSON.parse(answer).errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('refuses a Content-Length that is not one number of bytes with 400', async () => {
    // Node's parser refuses these on the wire; a fetch-API caller reaches the gateway's own check.
    const { status, payload } = await post(JSON.stringify({ query: '{ dimensions { id } }' }), {
      'content-length': '40, 40',
    });
    expect(status).toBe(400);
    expect(payload.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('answers a chunked body within the limit', async () => {
    const { status, body } = await postChunked(['{"query":"{ dimen', 'sions { sortOrder } }"}']);
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual({ data: { dimensions: expect.any(Array) } });
  });

  it('never lets a request declare a length and chunked encoding both (Node refuses it)', async () => {
    const socket = connect(port, '127.0.0.1');
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('close', () => resolve(text));
    });
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    );
    expect(await answer).toMatch(/^HTTP\/1\.1 400 /);
  });
});

describe('arguments Pothos refuses', () => {
  it('answer BAD_USER_INPUT: a negative page size, a malformed cursor, before and after together', async () => {
    for (const query of [
      '{ programmes(first: -1) { nodes { id } } }',
      '{ programmes(after: "not-a-cursor") { nodes { id } } }',
      '{ programmes(first: 1, before: "a", after: "b") { nodes { id } } }',
    ]) {
      const { payload } = await post(JSON.stringify({ query }));
      expect(payload.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
      expect(payload.errors?.[0]?.message, query).not.toMatch(/Unexpected error/);
    }
  });
});

describe('unexpected errors', () => {
  it('reach the client masked, with a request id that finds the full error in the log', async () => {
    const logged: string[] = [];
    // Prisma points at a port where no database listens, so every Prisma query fails inside.
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
      // A read Prisma serves (dimensions alone come from plain SQL, repositories/dimensions.ts).
      const response = await broken.yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ programmes { nodes { id } } }' }),
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

describe('schema visibility', () => {
  const introspect = '{ __schema { queryType { name } } }';

  it('refuses introspection to anonymous and non-admin clients, and answers it for an admin', async () => {
    for (const headers of [{}, bearer.get('OPERATOR') ?? {}]) {
      const { payload } = await post(JSON.stringify({ query: introspect }), headers);
      expect(payload.data).toBeUndefined();
      expect(payload.errors?.[0]?.message).toMatch(/introspection/i);
    }
    const admin = await post(JSON.stringify({ query: introspect }), bearer.get('ADMIN'));
    expect(admin.payload).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    // Validation results are kept per document: the administrator's must not answer for others.
    const afterAdmin = await post(JSON.stringify({ query: introspect }));
    expect(afterAdmin.payload.data).toBeUndefined();
    expect(afterAdmin.payload.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('gives no "Did you mean" hints to non-admins, in validation or in variables', async () => {
    const typo = JSON.stringify({ query: '{ dimension { id } }' });
    const badEnum = JSON.stringify({
      query: 'query ($kind: PartnerKind) { partners(kind: $kind) { nodes { id } } }',
      variables: { kind: 'BANKS' },
    });
    for (const body of [typo, badEnum]) {
      const anonymous = await post(body);
      expect(anonymous.payload.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(anonymous.payload)).not.toMatch(/Did you mean/);
      const admin = await post(body, bearer.get('ADMIN'));
      expect(JSON.stringify(admin.payload)).toMatch(/Did you mean/);
      expect(JSON.stringify((await post(body)).payload)).not.toMatch(/Did you mean/);
    }
  });

  it('shows the schema to everyone when configured so (the embedded hub)', async () => {
    const open = createGateway({
      database: db.database,
      logger: pino({ level: 'silent' }),
      introspection: 'everyone',
    });
    await open.start();
    try {
      const response = await open.yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: introspect }),
      });
      expect(await response.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    } finally {
      await open.stop();
    }
  });
});

describe('execution timeout', () => {
  let silent: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers: every database call waits forever.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    silent.close();
  });

  it('ends a query the database never answers with EXECUTION_TIMEOUT', async () => {
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const database = {
      ...connectServerDatabase(db.url),
      createPrisma: connectServerDatabase(`postgres://bisa@127.0.0.1:${address.port}/silent`).createPrisma,
    };
    const stuck = createGateway({
      database,
      logger: pino({ level: 'silent' }),
      limits: { executionTimeoutMs: 300 },
    });
    await stuck.start();
    try {
      const response = await stuck.yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ programmes { nodes { id } } }' }),
      });
      const body = (await response.json()) as {
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      expect(body.errors?.[0]?.extensions?.code).toBe('EXECUTION_TIMEOUT');
      expect(body.errors?.[0]?.message).toMatch(/longer than 300 ms/);
    } finally {
      // The pending connections fail once closed, so the gateway's stop does not wait on them.
      for (const socket of sockets) socket.destroy();
      await stuck.stop();
    }
  });
});

describe('GraphQL over HTTP', () => {
  it('passes every MUST and SHOULD audit of the graphql-http suite', async () => {
    // As an administrator: two audits send `__type` queries, which other clients may not run.
    const admin = bearer.get('ADMIN') ?? {};
    const results = await auditServer({
      url: 'http://gateway.test/graphql',
      fetchFn: async (input: RequestInfo | URL, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        for (const [name, value] of Object.entries(admin)) headers.set(name, value);
        return gateway.yoga.fetch(String(input), { ...init, headers });
      },
    });
    const failed = results
      .filter((result) => result.status !== 'ok' && !result.name.startsWith('MAY'))
      .map((result) => `${result.id} ${result.name}`);
    expect(failed).toEqual([]);
    expect(results.length).toBeGreaterThan(40);
  });
});
