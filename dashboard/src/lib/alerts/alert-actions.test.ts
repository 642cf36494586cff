import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import { actOnAlert } from './alert-actions.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A gateway answering every request with `answer` (or failing for 'offline'); it keeps the bodies. */
function gatewayAnswering(answer: object | 'offline') {
  const bodies: { query: string; variables: Record<string, unknown> }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
      bodies.push(JSON.parse(String(init?.body)));
      if (answer === 'offline') throw new TypeError('fetch failed');
      return Response.json(answer);
    }),
  );
  return { client: createGraphqlClient('http://hub.test/graphql'), bodies };
}

const refusalAnswer = (code: string) => ({
  errors: [{ message: 'no', path: ['acknowledgeAlert'], extensions: { code } }],
  data: null,
});

describe('actOnAlert', () => {
  it('acknowledges with the trimmed note, and closes without an empty one', async () => {
    const { client, bodies } = gatewayAnswering({
      data: { acknowledgeAlert: { id: 'A1', state: 'ACKNOWLEDGED' } },
    });
    expect(await actOnAlert(client, 'acknowledge', 'A1', '  Tim BPBD menuju lokasi ')).toEqual({ ok: true });
    expect(bodies[0]?.query).toMatch(/acknowledgeAlert\(id: \$id, note: \$note\)/);
    expect(bodies[0]?.variables).toEqual({ id: 'A1', note: 'Tim BPBD menuju lokasi' });

    await actOnAlert(client, 'close', 'A1', '   ');
    expect(bodies[1]?.query).toMatch(/closeAlert/);
    expect(bodies[1]?.variables).toEqual({ id: 'A1' });
  });

  it.each([
    ['FORBIDDEN', { key: 'refusal.forbidden' }],
    ['UNAUTHENTICATED', { key: 'refusal.signedOut' }],
    // The gateway explains why the alert's state does not allow it; the strip shows its words.
    ['BAD_USER_INPUT', { key: 'refusal.refused', detail: 'no' }],
    ['INTERNAL_SERVER_ERROR', { key: 'refusal.unavailable' }],
  ])('reads the gateway’s %s as %j', async (code, refusal) => {
    const { client } = gatewayAnswering(refusalAnswer(code));
    expect(await actOnAlert(client, 'acknowledge', 'A1', '')).toEqual({ ok: false, refusal });
  });

  it('tells an unreachable gateway', async () => {
    const { client } = gatewayAnswering('offline');
    expect(await actOnAlert(client, 'close', 'A1', '')).toEqual({
      ok: false,
      refusal: { key: 'refusal.unavailable' },
    });
  });
});
