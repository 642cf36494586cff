import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import type { SignedInUser } from '#lib/graphql/session.ts';
import { Session } from './session.svelte.ts';

const operator: SignedInUser = { id: 'u-op', name: 'Operator', role: 'OPERATOR', agency: null };

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A gateway answering each request with the next of these bodies (or throwing for 'offline'). */
function gatewayAnswering(...answers: (object | 'offline')[]) {
  const requests: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(init?.method === 'POST' ? String(init.body) : String(input));
      const answer = answers.shift();
      if (answer === undefined) throw new Error('the test gave no answer for this request');
      if (answer === 'offline') throw new TypeError('fetch failed');
      return Response.json(answer);
    }),
  );
  return { session: new Session(createGraphqlClient('http://hub.test/graphql')), requests };
}

describe('Session', () => {
  it('knows nobody until the gateway has answered, then who is signed in and what they may do', async () => {
    const { session } = gatewayAnswering({ data: { viewer: operator } });
    expect(session.known).toBe(false);
    await session.load();
    expect(session.known).toBe(true);
    expect(session.user?.name).toBe('Operator');
    expect(session.can('alerts.manage')).toBe(true);
    expect(session.can('reports.review')).toBe(false);
  });

  it('stays anonymous, and known, when the gateway cannot be reached', async () => {
    const { session } = gatewayAnswering('offline');
    await session.load();
    expect(session.known).toBe(true);
    expect(session.user).toBeNull();
  });

  it('tells a wrong password from an unreachable gateway', async () => {
    const { session, requests } = gatewayAnswering(
      { errors: [{ message: 'Wrong e-mail or password', extensions: { code: 'UNAUTHENTICATED' } }] },
      'offline',
      { data: { signIn: operator } },
    );
    expect(await session.signIn('operator@contoh.bisa.id', 'wrong')).toEqual({
      ok: false,
      reason: 'wrong-credentials',
    });
    expect(await session.signIn('operator@contoh.bisa.id', 'right')).toEqual({
      ok: false,
      reason: 'unavailable',
    });
    expect(await session.signIn('operator@contoh.bisa.id', 'right')).toEqual({ ok: true });
    expect(session.user?.role).toBe('OPERATOR');
    expect(requests[0]).toContain('"email":"operator@contoh.bisa.id"');
  });

  it('forgets the user on sign-out', async () => {
    const { session, requests } = gatewayAnswering(
      { data: { viewer: operator } },
      { data: { signOut: true } },
    );
    await session.load();
    await session.signOut();
    expect(session.user).toBeNull();
    expect(session.can('alerts.manage')).toBe(false);
    expect(requests[1]).toContain('signOut');
  });
});
