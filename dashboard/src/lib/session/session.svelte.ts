import type { Client } from '@urql/core';
import { createContext } from 'svelte';
import { type SignedInUser, SignInMutation, SignOutMutation, ViewerQuery } from '#lib/graphql/session.ts';
import { type Capability, can } from './capabilities.ts';

export type SignInOutcome = { ok: true } | { ok: false; reason: 'wrong-credentials' | 'unavailable' };

/**
 * Who is using the dashboard. The session itself is the gateway's HttpOnly cookie, which scripts
 * cannot read: this only asks the gateway who it is (`viewer`) and signs in and out through it.
 */
export class Session {
  #user = $state.raw<SignedInUser | null>(null);
  #known = $state(false);
  readonly #client: Client;

  constructor(client: Client) {
    this.#client = client;
  }

  get user(): SignedInUser | null {
    return this.#user;
  }

  /** False until the gateway has said who is signed in: views wait instead of flashing "sign in". */
  get known(): boolean {
    return this.#known;
  }

  can(capability: Capability): boolean {
    return can(this.#user, capability);
  }

  /** Asks the gateway who is signed in; an unreachable gateway leaves the visitor anonymous. */
  async load(): Promise<void> {
    const result = await this.#client.query(ViewerQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    this.#user = result.data?.viewer ?? null;
    this.#known = true;
  }

  async signIn(email: string, password: string): Promise<SignInOutcome> {
    const result = await this.#client.mutation(SignInMutation, { email, password }).toPromise();
    if (result.data) {
      this.#user = result.data.signIn;
      this.#known = true;
      return { ok: true };
    }
    const refused = result.error?.graphQLErrors.some((error) => error.extensions.code === 'UNAUTHENTICATED');
    return { ok: false, reason: refused ? 'wrong-credentials' : 'unavailable' };
  }

  async signOut(): Promise<void> {
    await this.#client.mutation(SignOutMutation, {}).toPromise();
    this.#user = null;
  }
}

export const [getSession, setSession] = createContext<Session>();
