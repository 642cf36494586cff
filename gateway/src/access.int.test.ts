import { createAlertRule, createWebhook, insertAlert } from '@bisa/db/alerts.ts';
import type { PrismaClient } from '@bisa/db/generated/prisma/client.ts';
import { hashSecret, tokenHash } from '@bisa/db/secret-hash.ts';
import type { TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from './gateway.ts';
import { globalId, openSubscription, startTestGateway, type TestGateway } from './testing.ts';

// Every mutation against every role, through real sessions and API keys, with the audit trail
// checked for each attempt: allowed ones change data and leave an "ok" row in the same
// transaction, refused ones change nothing and leave a "denied" row.

let testGateway: TestGateway;
let db: TestDatabase;
let gateway: Gateway;
let prisma: PrismaClient;
const PASSWORD = 'correct horse battery staple';
const FLOOD_KPI = globalId('Kpi', 'flood-villages-reached');
const credentials = new Map<string, Record<string, string>>();
let observedOn: string;

type Actor =
  | 'anonymous'
  | 'viewer'
  | 'operator'
  | 'reporterBpbd'
  | 'reporterDlh'
  | 'admin'
  | 'integrator'
  | 'readKeyBpbd'
  | 'writeKeyBpbd'
  | 'revokedKey'
  | 'unknownKey';

const USERS = [
  { key: 'viewer', role: 'VIEWER', agencyId: null },
  { key: 'operator', role: 'OPERATOR', agencyId: null },
  { key: 'reporterBpbd', role: 'REPORTER', agencyId: 'bpbd' },
  { key: 'reporterDlh', role: 'REPORTER', agencyId: 'dlh' },
  { key: 'admin', role: 'ADMIN', agencyId: null },
  { key: 'integrator', role: 'INTEGRATOR', agencyId: null },
] as const;

async function graphql(actor: Actor, query: string, variables: Record<string, unknown> = {}) {
  const response = await gateway.yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(credentials.get(actor) ?? {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  return { response, ...body };
}

async function signIn(email: string): Promise<string> {
  const { response, errors } = await graphql(
    'anonymous',
    'mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }',
    {
      e: email,
      p: PASSWORD,
    },
  );
  expect(errors).toBeUndefined();
  const cookie = response.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Lax/);
  return cookie.split(';')[0] ?? '';
}

async function createKey(actor: Actor, scope: 'READ' | 'WRITE'): Promise<string> {
  const { data, errors } = await graphql(
    actor,
    'mutation ($s: ApiKeyScope!) { createApiKey(name: "test", scope: $s) { secret } }',
    {
      s: scope,
    },
  );
  expect(errors).toBeUndefined();
  const created = data?.createApiKey as { secret: string } | undefined;
  if (!created) throw new Error('createApiKey returned nothing');
  return created.secret;
}

async function submittedReport(): Promise<string> {
  const report = await prisma.progressReport.create({
    data: { kpiId: 'flood-villages-reached', value: 20, observedOn: new Date(observedOn), reporter: 'seed' },
  });
  return report.id;
}

/** A fresh rule on the first datastream, so every attempt has its own (and may open an alert). */
async function alertRule(): Promise<{ ruleId: string; datastreamId: number }> {
  const datastream = await prisma.datastream.findFirstOrThrow({ orderBy: { id: 'asc' } });
  const ruleId = await createAlertRule(db.database.sql, {
    name: 'matrix rule',
    kind: 'THRESHOLD',
    target: { datastreamId: datastream.id },
    levels: [{ level: 'AWAS', raise: 3, clear: 2 }],
  });
  return { ruleId, datastreamId: datastream.id };
}

let deviceCount = 0;

/**
 * A fresh device owned by the matrix's integrator, or by another integrator: who may change a
 * device depends on whose it is, asked for by id.
 */
async function device(owner: 'integrator' | 'otherIntegrator'): Promise<string> {
  const email = owner === 'integrator' ? 'integrator@test.example' : 'other-integrator@test.example';
  const ownerUser = await prisma.user.findUniqueOrThrow({ where: { email } });
  const id = `matrix-device-${++deviceCount}`;
  await prisma.thing.create({
    data: {
      id,
      name: 'matrix device',
      programmeId: 'flood-early-warning',
      locationId: 'masamba-bridge',
      credentialHash: 'scrypt$00$00',
      ownerUserId: ownerUser.id,
    },
  });
  return globalId('Thing', id);
}

async function openAlert(): Promise<string> {
  const { ruleId, datastreamId } = await alertRule();
  const now = new Date();
  const id = await insertAlert(db.database.sql, {
    ruleId,
    datastreamId,
    level: 'AWAS',
    value: 3.2,
    openedAt: now,
    now,
  });
  if (!id) throw new Error('a fresh rule already had an open alert');
  return id;
}

beforeAll(async () => {
  testGateway = await startTestGateway();
  ({ db, gateway, prisma } = testGateway);
  const passwordHash = await hashSecret(PASSWORD);
  for (const user of USERS) {
    await prisma.user.create({
      data: {
        email: `${user.key.toLowerCase()}@test.example`,
        name: user.key,
        role: user.role,
        agencyId: user.agencyId,
        passwordHash,
      },
    });
    credentials.set(user.key, { cookie: await signIn(`${user.key.toLowerCase()}@test.example`) });
  }
  // Owns devices, never signs in: the matrix's integrator asks for them by id.
  await prisma.user.create({
    data: { email: 'other-integrator@test.example', name: 'other', role: 'INTEGRATOR', passwordHash },
  });
  credentials.set('readKeyBpbd', { authorization: `Bearer ${await createKey('reporterBpbd', 'READ')}` });
  credentials.set('writeKeyBpbd', { authorization: `Bearer ${await createKey('reporterBpbd', 'WRITE')}` });
  const revoked = await createKey('reporterBpbd', 'WRITE');
  await prisma.apiKey.update({ where: { keyHash: tokenHash(revoked) }, data: { revokedAt: new Date() } });
  credentials.set('revokedKey', { authorization: `Bearer ${revoked}` });
  credentials.set('unknownKey', { authorization: 'Bearer bisa_not-a-key-this-gateway-issued' });
  const kpi = await prisma.kpi.findUniqueOrThrow({ where: { id: 'flood-villages-reached' } });
  observedOn = new Date(kpi.periodStart.getTime() + 86_400_000).toISOString().slice(0, 10);
});

afterAll(() => testGateway?.stop());

interface Case {
  mutation: string;
  allowed: readonly Actor[];
  /** Whose object it acts on, where a mutation appears more than once. */
  target?: string;
  /** Builds the request for one attempt (fresh objects, so attempts do not interfere). */
  request: () => Promise<{ query: string; variables: Record<string, unknown> }>;
}

const ALL: readonly Actor[] = [
  'anonymous',
  'viewer',
  'operator',
  'reporterBpbd',
  'reporterDlh',
  'admin',
  'integrator',
  'readKeyBpbd',
  'writeKeyBpbd',
];

const CASES: readonly Case[] = [
  {
    mutation: 'submitProgressReport',
    // BPBD owns the flood early warning: its reporter (also through a write key) and admins.
    allowed: ['reporterBpbd', 'writeKeyBpbd', 'admin'],
    request: async () => ({
      query: `mutation ($on: Date!) { submitProgressReport(input: { kpiId: "${FLOOD_KPI}", value: 20, observedOn: $on, note: "x" }) { id status } }`,
      variables: { on: observedOn },
    }),
  },
  {
    mutation: 'reviewProgressReport',
    allowed: ['admin'],
    request: async () => ({
      query: 'mutation ($id: ID!) { reviewProgressReport(input: { id: $id, approve: true }) { id status } }',
      variables: { id: globalId('ProgressReport', await submittedReport()) },
    }),
  },
  {
    mutation: 'updateProgramme',
    allowed: ['admin'],
    request: async () => ({
      query: `mutation { updateProgramme(input: { id: "${globalId('Programme', 'street-lights')}", status: RUNNING }) {
        id status } }`,
      variables: {},
    }),
  },
  {
    mutation: 'createApiKey',
    // From a dashboard session only: a key cannot mint keys.
    allowed: ['viewer', 'operator', 'reporterBpbd', 'reporterDlh', 'admin', 'integrator'],
    request: async () => ({
      query: 'mutation { createApiKey(name: "k", scope: READ) { secret } }',
      variables: {},
    }),
  },
  {
    mutation: 'revokeApiKey',
    // Another user's key is refused as if it did not exist.
    allowed: ['reporterBpbd', 'writeKeyBpbd', 'admin'],
    request: async () => {
      const owner = await prisma.user.findUniqueOrThrow({ where: { email: 'reporterbpbd@test.example' } });
      const key = await prisma.apiKey.create({
        data: {
          userId: owner.id,
          name: 'to revoke',
          prefix: 'x',
          keyHash: crypto.randomUUID(),
          scope: 'read',
        },
      });
      return {
        query: 'mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }',
        variables: { id: key.id },
      };
    },
  },
  {
    mutation: 'createAlertRule',
    allowed: ['operator', 'admin'],
    request: async () => {
      const datastream = await prisma.datastream.findFirstOrThrow({ orderBy: { id: 'asc' } });
      return {
        query: `mutation ($ds: ID!) { createAlertRule(input: { name: "r", kind: THRESHOLD, datastreamId: $ds,
          levels: [{ level: "AWAS", raise: 3, clear: 2 }] }) { id } }`,
        variables: { ds: globalId('Datastream', datastream.id) },
      };
    },
  },
  {
    mutation: 'updateAlertRule',
    allowed: ['operator', 'admin'],
    request: async () => ({
      query: 'mutation ($id: ID!) { updateAlertRule(input: { id: $id, enabled: false }) { id enabled } }',
      variables: { id: globalId('AlertRule', (await alertRule()).ruleId) },
    }),
  },
  {
    mutation: 'deleteAlertRule',
    allowed: ['operator', 'admin'],
    request: async () => ({
      query: 'mutation ($id: ID!) { deleteAlertRule(id: $id) }',
      variables: { id: globalId('AlertRule', (await alertRule()).ruleId) },
    }),
  },
  {
    mutation: 'acknowledgeAlert',
    allowed: ['operator', 'admin'],
    request: async () => ({
      query: 'mutation ($id: ID!) { acknowledgeAlert(id: $id, note: "on it") { id state } }',
      variables: { id: globalId('Alert', await openAlert()) },
    }),
  },
  {
    mutation: 'closeAlert',
    allowed: ['operator', 'admin'],
    request: async () => ({
      query: 'mutation ($id: ID!) { closeAlert(id: $id) { id state } }',
      variables: { id: globalId('Alert', await openAlert()) },
    }),
  },
  {
    mutation: 'createWebhook',
    allowed: ['admin'],
    request: async () => ({
      query: `mutation { createWebhook(input: { name: "w", url: "http://127.0.0.1:9/", secret: "0123456789abcdef" }) {
        id } }`,
      variables: {},
    }),
  },
  {
    mutation: 'deleteWebhook',
    allowed: ['admin'],
    request: async () => {
      const id = await createWebhook(db.database.sql, {
        name: 'to delete',
        url: 'http://127.0.0.1:9/',
        secret: '0123456789abcdef',
      });
      return {
        query: 'mutation ($id: ID!) { deleteWebhook(id: $id) }',
        variables: { id: globalId('Webhook', id) },
      };
    },
  },
  {
    mutation: 'disableDevice',
    target: "the integrator's own device",
    // Its own device: the integrator may switch it off, as the control room may.
    allowed: ['operator', 'admin', 'integrator'],
    request: async () => ({
      query: 'mutation ($id: ID!) { disableDevice(id: $id) { id } }',
      variables: { id: await device('integrator') },
    }),
  },
  {
    mutation: 'disableDevice',
    target: "another integrator's device",
    // Another integrator's device by id: refused to the integrator.
    allowed: ['operator', 'admin'],
    request: async () => ({
      query: 'mutation ($id: ID!) { disableDevice(id: $id) { id } }',
      variables: { id: await device('otherIntegrator') },
    }),
  },
  {
    mutation: 'rotateDeviceCredential',
    target: "the integrator's own device",
    allowed: ['operator', 'admin', 'integrator'],
    request: async () => ({
      query: `mutation ($id: ID!) { rotateDeviceCredential(id: $id) {
        ... on RotatedDeviceCredential { secret } } }`,
      variables: { id: await device('integrator') },
    }),
  },
  {
    mutation: 'rotateDeviceCredential',
    target: "another integrator's device",
    allowed: ['operator', 'admin'],
    request: async () => ({
      query: `mutation ($id: ID!) { rotateDeviceCredential(id: $id) {
        ... on RotatedDeviceCredential { secret } } }`,
      variables: { id: await device('otherIntegrator') },
    }),
  },
];

async function auditCount(action: string, outcome: 'ok' | 'denied'): Promise<number> {
  return prisma.auditEvent.count({ where: { action, outcome } });
}

describe('role matrix', () => {
  for (const testCase of CASES) {
    for (const actor of ALL) {
      const allowed = testCase.allowed.includes(actor);
      it(`${testCase.mutation}${testCase.target ? ` (${testCase.target})` : ''} by ${actor}: ${allowed ? 'allowed' : 'refused'}, and audited`, async () => {
        const { query, variables } = await testCase.request();
        const before = {
          ok: await auditCount(testCase.mutation, 'ok'),
          denied: await auditCount(testCase.mutation, 'denied'),
        };
        const { data, errors } = await graphql(actor, query, variables);
        const after = {
          ok: await auditCount(testCase.mutation, 'ok'),
          denied: await auditCount(testCase.mutation, 'denied'),
        };
        if (allowed) {
          expect(errors).toBeUndefined();
          expect(data?.[testCase.mutation]).toBeTruthy();
          expect(after).toEqual({ ok: before.ok + 1, denied: before.denied });
        } else {
          const code = errors?.[0]?.extensions?.code;
          expect(actor === 'anonymous' ? ['UNAUTHENTICATED'] : ['FORBIDDEN', 'NOT_FOUND']).toContain(code);
          expect(data?.[testCase.mutation] ?? null).toBeNull();
          expect(after).toEqual({ ok: before.ok, denied: before.denied + 1 });
        }
      });
    }
  }
});

describe('refusal messages', () => {
  // The code says whether signing in helps; the message must say what would, and never blame a
  // role that may use the field when the key or the object is the reason.
  const submit = () => ({
    query: `mutation ($on: Date!) { submitProgressReport(input: { kpiId: "${FLOOD_KPI}", value: 20, observedOn: $on }) { id } }`,
    variables: { on: observedOn },
  });
  const rotateOthers = async () => ({
    query: 'mutation ($id: ID!) { rotateDeviceCredential(id: $id) { __typename } }',
    variables: { id: await device('otherIntegrator') },
  });
  const createKeyRequest = () => ({
    query: 'mutation { createApiKey(name: "k", scope: READ) { secret } }',
    variables: {},
  });
  const UNKNOWN_KEY =
    'This API key is not known: it was revoked, mistyped, or its account was disabled; sign in and create a new key (createApiKey)';
  it.each([
    ['anonymous', submit, 'Sign in first: this operation needs an account'],
    ['unknownKey', submit, UNKNOWN_KEY],
    ['revokedKey', submit, UNKNOWN_KEY],
    ['viewer', submit, 'Your role may not use submitProgressReport'],
    [
      'reporterDlh',
      submit,
      "submitProgressReport: this KPI is not one of your agency's; you report for your own agency's programmes",
    ],
    [
      'readKeyBpbd',
      submit,
      "submitProgressReport: this API key is READ only: it runs no mutation, whatever its user's role",
    ],
    [
      'writeKeyBpbd',
      createKeyRequest,
      'createApiKey: API keys are created from a signed-in session, not with an API key',
    ],
    ['integrator', rotateOthers, 'rotateDeviceCredential: this device is not one of yours'],
  ] as const)('%s is told why', async (actor, request, message) => {
    const { query, variables } = await request();
    const { errors } = await graphql(actor, query, variables);
    expect(errors?.map((error) => error.message)).toEqual([message]);
  });
});

describe('report workflow', () => {
  it('counts a report once approved, notifies subscribers, and refuses self-review and bad input', async () => {
    const events = await openSubscription(
      async (url, init) => gateway.yoga.fetch(url, init),
      'http://gateway.test/graphql',
      `subscription { progressReportChanged(programmeId: "${globalId('Programme', 'flood-early-warning')}") {
        value status } }`,
    );
    const submitted = await graphql(
      'reporterBpbd',
      `mutation ($on: Date!) { submitProgressReport(input: { kpiId: "${FLOOD_KPI}", value: 30, observedOn: $on,
          evidenceUrl: "https://example.org/rekap.pdf", note: "Rekap" }) { id status reporter } }`,
      { on: observedOn },
    );
    const report = submitted.data?.submitProgressReport as { id: string; status: string; reporter: string };
    expect(report).toMatchObject({ status: 'SUBMITTED', reporter: 'reporterBpbd' });
    expect(await events.next()).toEqual({
      data: { progressReportChanged: { value: 30, status: 'SUBMITTED' } },
    });

    const rejectWithoutReason = await graphql(
      'admin',
      'mutation ($id: ID!) { reviewProgressReport(input: { id: $id, approve: false }) { id } }',
      {
        id: report.id,
      },
    );
    expect(rejectWithoutReason.errors?.[0]?.message).toBe('reason: say why the report is rejected');

    const approved = await graphql(
      'admin',
      'mutation ($id: ID!) { reviewProgressReport(input: { id: $id, approve: true }) { status reviewer } }',
      {
        id: report.id,
      },
    );
    expect(approved.data?.reviewProgressReport).toEqual({ status: 'APPROVED', reviewer: 'admin' });
    expect(await events.next()).toEqual({
      data: { progressReportChanged: { value: 30, status: 'APPROVED' } },
    });
    events.close();

    const again = await graphql(
      'admin',
      'mutation ($id: ID!) { reviewProgressReport(input: { id: $id, approve: true }) { status } }',
      {
        id: report.id,
      },
    );
    expect(again.errors?.[0]?.message).toContain('was already approved');

    const ownReport = await graphql(
      'admin',
      `mutation ($on: Date!) { submitProgressReport(input: { kpiId: "${FLOOD_KPI}", value: 1, observedOn: $on }) { id } }`,
      { on: observedOn },
    );
    const selfReview = await graphql(
      'admin',
      'mutation ($id: ID!) { reviewProgressReport(input: { id: $id, approve: true }) { id } }',
      {
        id: (ownReport.data?.submitProgressReport as { id: string } | undefined)?.id,
      },
    );
    expect(selfReview.errors?.[0]?.message).toContain('another reviewer must approve or reject it');

    const computed = await graphql(
      'reporterDlh',
      `mutation ($on: Date!) { submitProgressReport(input: { kpiId: "${globalId('Kpi', 'market-pm25')}", value: 1, observedOn: $on }) { id } }`,
      { on: observedOn },
    );
    expect(computed.errors?.[0]?.message).toContain('is computed from telemetry');
    const future = await graphql(
      'reporterBpbd',
      `mutation { submitProgressReport(input: { kpiId: "${FLOOD_KPI}", value: 1, observedOn: "2999-01-01" }) { id } }`,
    );
    expect(future.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('signs in with one answer for unknown users and wrong passwords, and signs out', async () => {
    const wrong = await graphql(
      'anonymous',
      'mutation { signIn(email: "admin@test.example", password: "nope") { id } }',
    );
    const unknown = await graphql(
      'anonymous',
      'mutation { signIn(email: "ghost@test.example", password: "nope") { id } }',
    );
    expect(wrong.errors?.[0]?.message).toBe('Wrong e-mail or password');
    expect(unknown.errors?.[0]?.message).toBe(wrong.errors?.[0]?.message);

    const cookie = await signIn('viewer@test.example');
    const viewer = await gateway.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query: 'mutation { signOut }' }),
    });
    expect(viewer.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    const afterSignOut = await gateway.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(((await afterSignOut.json()) as { data: { viewer: null } }).data.viewer).toBeNull();
  });

  it('keeps the audit trail append-only', async () => {
    await expect(db.database.sql.query('DELETE FROM audit_event')).rejects.toThrow(/append-only/);
    await expect(db.database.sql.query("UPDATE audit_event SET outcome = 'ok'")).rejects.toThrow(
      /append-only/,
    );
  });
});
