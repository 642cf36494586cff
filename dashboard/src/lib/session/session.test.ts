import { afterEach, describe, expect, it, vi } from 'vitest';
import { KioskCredential, type KioskStorage } from '#lib/access/kiosk-credential.ts';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import type { SignedInUser } from '#lib/graphql/session.ts';
import { credentialsChanged, Session } from './session.svelte.ts';

const operator: SignedInUser = { id: 'u-op', name: 'Operator', role: 'OPERATOR', agency: null };

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A gateway answering each request with the next of these bodies (or throwing for 'offline'). */
function gatewayAnswering(...answers: (object | 'offline')[]) {
  return kioskGatewayAnswering(null, ...answers);
}

/** The same, in a browser that holds this kiosk key; `authorizations` has each request's header. */
function kioskGatewayAnswering(kioskKey: string | null, ...answers: (object | 'offline')[]) {
  const requests: string[] = [];
  const authorizations: (string | null)[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(init?.method === 'POST' ? String(init.body) : String(input));
      authorizations.push(new Headers(init?.headers).get('authorization'));
      const answer = answers.shift();
      if (answer === undefined) throw new Error('the test gave no answer for this request');
      if (answer === 'offline') throw new TypeError('fetch failed');
      return Response.json(answer);
    }),
  );
  const stored = new Map(kioskKey ? [['bisa-hub.kiosk-key', kioskKey]] : []);
  const storage: KioskStorage = {
    getItem: (key) => stored.get(key) ?? null,
    setItem: (key, value) => void stored.set(key, value),
    removeItem: (key) => void stored.delete(key),
  };
  // As the layout wires it: the one client asks the session for its Authorization header.
  const session: Session = new Session(
    createGraphqlClient('http://hub.test/graphql', () => session.authorization()),
    new KioskCredential(storage),
  );
  return { session, requests, authorizations };
}

const kiosk: SignedInUser = { id: 'u-kiosk', name: 'Layar dinding (contoh)', role: 'VIEWER', agency: null };

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

  it('runs on the kiosk key while nobody is signed in, and never sends it with a person signed in', async () => {
    const { session, authorizations } = kioskGatewayAnswering(
      'bisa_kiosk',
      { data: { viewer: null } },
      { data: { viewer: kiosk } },
      { errors: [{ message: 'Wrong e-mail or password', extensions: { code: 'UNAUTHENTICATED' } }] },
      { data: { signIn: operator } },
      { data: { signOut: true } },
      { data: { viewer: kiosk } },
    );
    expect(session.identity).toBe('unknown');
    await session.load();
    // First the cookie alone (is a person signed in?), then the key (whose is it?).
    expect(authorizations).toEqual([null, 'Bearer bisa_kiosk']);
    expect(session.identity).toBe('kiosk');
    expect(session.kioskName).toBe('Layar dinding (contoh)');
    expect(session.authorization()).toBe('Bearer bisa_kiosk');
    expect(session.can('alerts.manage')).toBe(false);

    await session.signIn('operator@contoh.bisa.id', 'wrong');
    await session.signIn('operator@contoh.bisa.id', 'right');
    expect(authorizations.slice(2)).toEqual([null, null]);
    expect(session.identity).toBe('user:u-op');
    expect(session.authorization()).toBeUndefined();
    expect(session.kioskName).toBeNull();

    await session.signOut();
    expect(authorizations.slice(4)).toEqual([null, 'Bearer bisa_kiosk']);
    expect(session.identity).toBe('kiosk');
    expect(session.authorization()).toBe('Bearer bisa_kiosk');
  });

  it('keeps the kiosk key unsent when a person is signed in on the wall', async () => {
    const { session, authorizations } = kioskGatewayAnswering('bisa_kiosk', { data: { viewer: operator } });
    await session.load();
    expect(authorizations).toEqual([null]);
    expect(session.identity).toBe('user:u-op');
    expect(session.authorization()).toBeUndefined();
  });

  it('says when the gateway refuses the kiosk key, and then does not send it', async () => {
    const { session } = kioskGatewayAnswering(
      'bisa_revoked',
      { data: { viewer: null } },
      { data: { viewer: null } },
    );
    await session.load();
    expect(session.kioskRefused).toBe(true);
    expect(session.identity).toBe('anonymous');
    expect(session.authorization()).toBeUndefined();
  });

  it('does not call an unreachable gateway a refusal of the kiosk key', async () => {
    const { session } = kioskGatewayAnswering('bisa_kiosk', { data: { viewer: null } }, 'offline');
    await session.load();
    expect(session.kioskRefused).toBe(false);
    expect(session.identity).toBe('anonymous');
  });
});

describe('credentialsChanged', () => {
  it('counts only a change of credential, the cookie alone being what an unknown session sent', () => {
    expect(credentialsChanged('unknown', 'anonymous')).toBe(false);
    expect(credentialsChanged('unknown', 'user:u-op')).toBe(false);
    expect(credentialsChanged('unknown', 'kiosk')).toBe(true);
    expect(credentialsChanged('kiosk', 'user:u-op')).toBe(true);
    expect(credentialsChanged('user:u-op', 'anonymous')).toBe(true);
    expect(credentialsChanged('user:u-op', 'user:u-admin')).toBe(true);
    expect(credentialsChanged('kiosk', 'kiosk')).toBe(false);
  });
});
