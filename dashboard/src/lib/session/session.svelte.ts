import type { Client, OperationContext } from '@urql/core';
import { createContext } from 'svelte';
import { KioskCredential } from '#lib/access/kiosk-credential.ts';
import { type SignedInUser, SignInMutation, SignOutMutation, ViewerQuery } from '#lib/graphql/session.ts';
import { type Capability, can } from './capabilities.ts';

export type SignInOutcome = { ok: true } | { ok: false; reason: 'wrong-credentials' | 'unavailable' };

/** Requests that must go with the session cookie alone, whatever kiosk key this browser holds. */
const COOKIE_ONLY: Partial<OperationContext> = { fetchOptions: {} };

/**
 * Who is using the dashboard. The session itself is the gateway's HttpOnly cookie, which scripts
 * cannot read: this only asks the gateway who it is (`viewer`) and signs in and out through it.
 * A wall screen may also hold a read-only kiosk key (KioskCredential): it is sent only while
 * nobody has signed in here, because the gateway lets a Bearer key win over the cookie and a
 * read key would turn an operator's acknowledgement into a refusal.
 */
export class Session {
  #user = $state.raw<SignedInUser | null>(null);
  #known = $state(false);
  #kioskName = $state<string | null>(null);
  #kioskRefused = $state(false);
  readonly #client: Client;
  readonly #kiosk: KioskCredential;

  constructor(client: Client, kiosk: KioskCredential = new KioskCredential()) {
    this.#client = client;
    this.#kiosk = kiosk;
  }

  get user(): SignedInUser | null {
    return this.#user;
  }

  /** False until the gateway has said who is signed in: views wait instead of flashing "sign in". */
  get known(): boolean {
    return this.#known;
  }

  /** The kiosk account's name while this screen runs on its read-only key (nobody signed in). */
  get kioskName(): string | null {
    return this.#kioskName;
  }

  /** This browser holds a kiosk key that the gateway did not accept (revoked, mistyped). */
  get kioskRefused(): boolean {
    return this.#kioskRefused;
  }

  /**
   * Whom the gateway sees on this dashboard's requests. Live streams keep the identity they
   * opened with, so a view reopens them when this changes (sign-in, sign-out, kiosk mode).
   */
  get identity(): string {
    if (!this.#known) return 'unknown';
    if (this.#user) return `user:${this.#user.id}`;
    return this.#kioskName === null ? 'anonymous' : 'kiosk';
  }

  can(capability: Capability): boolean {
    return can(this.#user, capability);
  }

  /** The Authorization header for the dashboard's requests: the kiosk key, only while nobody is signed in. */
  authorization(): string | undefined {
    const key = this.#kiosk.key;
    return key && this.#user === null && this.#kioskName !== null ? `Bearer ${key}` : undefined;
  }

  /** Asks the gateway who is signed in; an unreachable gateway leaves the visitor anonymous. */
  async load(): Promise<void> {
    const result = await this.#client
      .query(ViewerQuery, {}, { ...COOKIE_ONLY, requestPolicy: 'network-only' })
      .toPromise();
    this.#user = result.data?.viewer ?? null;
    await this.#checkKiosk();
    this.#known = true;
  }

  async signIn(email: string, password: string): Promise<SignInOutcome> {
    // Cookie only: a refused attempt is audited as the anonymous visitor's, not the kiosk's.
    const result = await this.#client.mutation(SignInMutation, { email, password }, COOKIE_ONLY).toPromise();
    if (result.data) {
      this.#user = result.data.signIn;
      this.#kioskName = null;
      this.#known = true;
      return { ok: true };
    }
    const refused = result.error?.graphQLErrors.some((error) => error.extensions.code === 'UNAUTHENTICATED');
    return { ok: false, reason: refused ? 'wrong-credentials' : 'unavailable' };
  }

  /** Ends the person's session; a wall screen with a kiosk key goes back to kiosk mode. */
  async signOut(): Promise<void> {
    await this.#client.mutation(SignOutMutation, {}, COOKIE_ONLY).toPromise();
    this.#user = null;
    await this.#checkKiosk();
  }

  /** Nobody signed in and a kiosk key held: whose key it is, as the gateway sees it. */
  async #checkKiosk(): Promise<void> {
    const key = this.#kiosk.key;
    if (this.#user || !key) {
      this.#kioskName = null;
      this.#kioskRefused = false;
      return;
    }
    const result = await this.#client
      .query(
        ViewerQuery,
        {},
        { fetchOptions: { headers: { authorization: `Bearer ${key}` } }, requestPolicy: 'network-only' },
      )
      .toPromise();
    this.#kioskName = result.data?.viewer?.name ?? null;
    // An unreachable gateway says nothing about the key; an answer of "nobody" refuses it.
    this.#kioskRefused = result.data !== undefined && result.data.viewer === null;
  }
}

/**
 * Whether requests sent as `before` (a Session.identity) reached the gateway as someone other
 * than `after`. Before the session is known requests carry the cookie alone, which is exactly
 * what a signed-in person and an anonymous visitor send: only kiosk mode adds a credential.
 */
export function credentialsChanged(before: string, after: string): boolean {
  if (before === 'unknown') return after === 'kiosk';
  return before !== after;
}

export const [getSession, setSession] = createContext<Session>();
