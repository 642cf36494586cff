import { hashSecret, tokenHash } from '@bisa/db/secret-hash.ts';
import type { TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from './auth/viewer.ts';
import type { Gateway } from './gateway.ts';
import { execute, globalId, startTestGateway, type TestGateway } from './testing.ts';

// Global ids, node lookups and cursor connections with their filters, against the real
// PostgreSQL with the Luwu Utara sample.

let testGateway: TestGateway;
let db: TestDatabase;
let gateway: Gateway;
let adminKey: string;

beforeAll(async () => {
  testGateway = await startTestGateway();
  ({ db, gateway } = testGateway);
  const prisma = db.database.createPrisma();
  adminKey = newApiKey();
  await prisma.user.create({
    data: {
      email: 'admin@relay.test',
      name: 'admin',
      role: 'ADMIN',
      passwordHash: await hashSecret('unused password'),
      apiKeys: {
        create: { name: 'test', prefix: adminKey.slice(0, 12), keyHash: tokenHash(adminKey), scope: 'write' },
      },
    },
  });
  await prisma.$disconnect();
});

afterAll(() => testGateway?.stop());

type Page<T> = {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
};

describe('global ids', () => {
  it('fetches every kind of node by the id it was given, and the same object through nodes', async () => {
    const wanted: [string, string][] = [
      ['Dimension', 'society'],
      ['SubDimension', 'society-protection'],
      ['Agency', 'bpbd'],
      ['Programme', 'flood-early-warning'],
      ['Partner', 'telkom'],
      ['Kpi', 'market-pm25'],
      ['Thing', 'masamba-river-01'],
      ['Location', 'masamba-bridge'],
      ['ObservedProperty', 'water_level'],
      ['EvaluationScheme', 'default'],
    ];
    const ids = wanted.map(([typename, id]) => globalId(typename, id));
    const { data, errors } = await execute<{ nodes: ({ __typename: string; id: string } | null)[] }>(
      gateway.yoga,
      'query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }',
      { ids: [...ids, globalId('Kpi', 'no-such-kpi')] },
    );
    expect(errors).toBeUndefined();
    expect(data?.nodes).toEqual([
      ...wanted.map(([typename], i) => ({ __typename: typename, id: ids[i] })),
      null,
    ]);

    const tooMany = await execute(gateway.yoga, 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: Array.from({ length: 101 }, (_, i) => globalId('Programme', `p${i}`)),
    });
    expect(tooMany.errors?.[0]).toMatchObject({
      message: 'ids: at most 100 ids at once',
      extensions: { code: 'BAD_USER_INPUT' },
    });

    const one = await execute<{ node: { __typename: string; databaseId: string; name: { en: string } } }>(
      gateway.yoga,
      `{ node(id: "${globalId('Programme', 'flood-early-warning')}") {
          __typename ... on Programme { databaseId name { en } } } }`,
    );
    expect(one.data?.node).toMatchObject({ __typename: 'Programme', databaseId: 'flood-early-warning' });
  });

  it('gives a datastream and its readings the same id, and loads it as a node', async () => {
    const { data } = await execute<{
      things: { nodes: { datastreams: { id: string; databaseId: number; key: string }[] }[] };
    }>(
      gateway.yoga,
      `{ things(programmeId: "${globalId('Programme', 'flood-early-warning')}") {
          nodes { datastreams { id databaseId key } } } }`,
    );
    const datastream = data?.things.nodes[0]?.datastreams[0];
    if (!datastream) throw new Error('the flood programme has no datastream');
    expect(datastream.id).toBe(globalId('Datastream', datastream.databaseId));
    const node = await execute<{ node: { key: string } }>(
      gateway.yoga,
      `{ node(id: "${datastream.id}") { ... on Datastream { key } } }`,
    );
    expect(node.data?.node.key).toBe(datastream.key);
  });

  it('answers an unknown id with null and a malformed one with BAD_USER_INPUT', async () => {
    const unknown = await execute<{ node: null; programme: null }>(
      gateway.yoga,
      `{ node(id: "${globalId('Programme', 'no-such-programme')}") { id }
         programme(id: "${globalId('Programme', 'no-such-programme')}") { id } }`,
    );
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ node: null, programme: null });

    for (const id of [
      'flood-early-warning',
      globalId('ProgressReport', 'not-a-uuid'),
      globalId('Datastream', 'x'),
    ]) {
      const { errors } = await execute(gateway.yoga, `{ node(id: "${id}") { id } }`);
      expect(errors?.[0]?.extensions?.code, id).toBe('BAD_USER_INPUT');
    }
  });
});

describe('connections', () => {
  it('pages through programmes with cursors, each programme once', async () => {
    const query = `query ($after: String) { programmes(first: 5, after: $after) {
        edges { cursor node { databaseId } } nodes { databaseId } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const result: { data?: { programmes: Page<{ databaseId: string }> } } = await execute(
        gateway.yoga,
        query,
        {
          after,
        },
      );
      const programmes = result.data?.programmes;
      if (!programmes) throw new Error('no page');
      expect(programmes.nodes).toEqual(programmes.edges.map((edge) => edge.node));
      expect(programmes.nodes.length).toBeLessThanOrEqual(5);
      seen.push(...programmes.nodes.map((node) => node.databaseId));
      if (!programmes.pageInfo.hasNextPage) break;
      after = programmes.pageInfo.endCursor;
    }
    const all = await execute<{ programmes: { totalCount: number; nodes: { databaseId: string }[] } }>(
      gateway.yoga,
      '{ programmes(first: 100) { totalCount nodes { databaseId } } }',
    );
    expect(seen).toEqual(all.data?.programmes.nodes.map((node) => node.databaseId));
    // The count is of every match, not of the page.
    const counted = await execute<{ programmes: { totalCount: number; nodes: unknown[] } }>(
      gateway.yoga,
      '{ programmes(first: 2) { totalCount nodes { id } } }',
    );
    expect(counted.data?.programmes.nodes.length).toBe(2);
    expect(counted.data?.programmes.totalCount).toBe(seen.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(5);
  });

  it('filters programmes by dimension, owner, kind, status and text', async () => {
    type Result = {
      programmes: {
        totalCount?: number;
        nodes: { databaseId: string; kind: string; status: string; dimension: { databaseId: string } }[];
      };
    };
    const fields = 'nodes { databaseId kind status dimension { databaseId } owner { databaseId } }';
    const society = await execute<Result>(
      gateway.yoga,
      `{ programmes(first: 100, dimensionId: "${globalId('Dimension', 'society')}", kind: QUICK_WIN) {
          totalCount ${fields} } }`,
    );
    expect(society.data?.programmes.nodes.length).toBeGreaterThan(0);
    expect(society.data?.programmes.totalCount).toBe(society.data?.programmes.nodes.length);
    for (const programme of society.data?.programmes.nodes ?? []) {
      expect(programme).toMatchObject({ kind: 'QUICK_WIN', dimension: { databaseId: 'society' } });
    }
    const bpbd = await execute<{ programmes: { nodes: { owner: { databaseId: string } }[] } }>(
      gateway.yoga,
      `{ programmes(first: 100, ownerId: "${globalId('Agency', 'bpbd')}", status: CONTINUED) { ${fields} } }`,
    );
    expect(bpbd.data?.programmes.nodes.length).toBeGreaterThan(0);
    expect(new Set(bpbd.data?.programmes.nodes.map((p) => p.owner.databaseId))).toEqual(new Set(['bpbd']));

    // Indonesian or English, any case.
    for (const text of ['BANJIR', 'early WARNING']) {
      const found = await execute<Result>(
        gateway.yoga,
        `query ($text: String) { programmes(search: $text) { ${fields} } }`,
        { text },
      );
      expect(
        found.data?.programmes.nodes.map((p) => p.databaseId),
        text,
      ).toContain('flood-early-warning');
    }
    const none = await execute<Result>(gateway.yoga, `{ programmes(search: "zzzz-nothing") { ${fields} } }`);
    expect(none.data?.programmes.nodes).toEqual([]);
  });

  it('refuses a filter with an id of another type or an empty search, saying which', async () => {
    const wrongType = await execute(
      gateway.yoga,
      `{ programmes(dimensionId: "${globalId('Agency', 'bpbd')}") { nodes { databaseId } } }`,
    );
    expect(wrongType.errors?.[0]).toMatchObject({
      message: 'Expected the id of a Dimension, got the id of a Agency',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const empty = await execute(gateway.yoga, '{ programmes(search: "  ") { nodes { databaseId } } }');
    expect(empty.errors?.[0]).toMatchObject({
      message: 'search: give at least one character',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('filters things by programme and site, and datastreams by thing', async () => {
    const things = await execute<{
      byProgramme: Page<{ databaseId: string }>;
      bySite: Page<{ databaseId: string }>;
    }>(
      gateway.yoga,
      `{ byProgramme: things(programmeId: "${globalId('Programme', 'flood-early-warning')}") { nodes { databaseId } }
         bySite: things(locationId: "${globalId('Location', 'masamba-market')}") { nodes { databaseId } } }`,
    );
    expect(things.data?.byProgramme.nodes.map((t) => t.databaseId)).toEqual([
      'baliase-river-01',
      'masamba-river-01',
    ]);
    expect(things.data?.bySite.nodes.map((t) => t.databaseId)).toContain('masamba-market-aq-01');
    expect(things.data?.bySite.nodes.map((t) => t.databaseId)).not.toContain('masamba-river-01');
    const datastreams = await execute<{
      datastreams: { nodes: { key: string; thing: { databaseId: string } }[] };
    }>(
      gateway.yoga,
      `{ datastreams(thingId: "${globalId('Thing', 'masamba-river-01')}") { nodes { key thing { databaseId } } } }`,
    );
    expect(datastreams.data?.datastreams.nodes.length).toBeGreaterThan(0);
    for (const datastream of datastreams.data?.datastreams.nodes ?? []) {
      expect(datastream.thing.databaseId).toBe('masamba-river-01');
    }
  });

  it('filters progress reports by status and reporting agency, newest first', async () => {
    const { data } = await execute<{
      progressReports: {
        nodes: {
          status: string;
          submittedAt: string;
          kpi: { programme: { owner: { databaseId: string } } };
        }[];
      };
    }>(
      gateway.yoga,
      `{ progressReports(status: APPROVED, agencyId: "${globalId('Agency', 'bpbd')}") {
          nodes { status submittedAt kpi { programme { owner { databaseId } } } } } }`,
    );
    const reports = data?.progressReports.nodes ?? [];
    expect(reports.length).toBeGreaterThan(0);
    for (const report of reports) {
      expect(report).toMatchObject({
        status: 'APPROVED',
        kpi: { programme: { owner: { databaseId: 'bpbd' } } },
      });
    }
    const times = reports.map((report) => report.submittedAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('shows the audit trail, newest first, to administrators only', async () => {
    const asAdmin = async (query: string) => {
      const response = await gateway.yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as {
        data?: { auditEvents: { nodes: { action: string; outcome: string; targetId: string }[] } };
        errors?: unknown[];
      };
    };
    const changed = await asAdmin(
      `mutation { updateProgramme(input: { id: "${globalId('Programme', 'street-lights')}", status: RUNNING }) { id } }`,
    );
    expect(changed.errors).toBeUndefined();
    const query = '{ auditEvents(first: 3, outcome: OK) { nodes { action outcome targetId } } }';
    const anonymous = await execute(gateway.yoga, query);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const admin = await asAdmin(query);
    expect(admin.errors).toBeUndefined();
    expect(admin.data?.auditEvents.nodes[0]).toEqual({
      action: 'updateProgramme',
      outcome: 'OK',
      targetId: 'street-lights',
    });
  });

  it('checks inputs with their schema before they reach the database', async () => {
    const noChange = await execute(
      gateway.yoga,
      `mutation { updateProgramme(input: { id: "${globalId('Programme', 'street-lights')}" }) { id } }`,
    );
    expect(noChange.errors?.[0]).toMatchObject({
      message: 'input: give a status or an evaluationDate to change',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const submit = (fields: string) =>
      execute(
        gateway.yoga,
        `mutation { submitProgressReport(input: { kpiId: "${globalId('Kpi', 'flood-villages-reached')}", value: 1,
            observedOn: "2026-01-02", ${fields} }) { id } }`,
      );
    const badUrl = await submit('evidenceUrl: "ftp://example.org/x"');
    expect(badUrl.errors?.[0]).toMatchObject({
      message: 'evidenceUrl: must be an http(s) address of at most 2000 characters',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const longNote = await submit(`note: "${'x'.repeat(2001)}"`);
    expect(longNote.errors?.[0]).toMatchObject({
      message: 'note: at most 2000 characters',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
