import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { refusalOf } from './refusal.ts';

const answered = (code: string, message: string) =>
  new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions: { code } })] });

describe('refusalOf', () => {
  it("passes on the gateway's explanation of the client's mistake", () => {
    expect(refusalOf(answered('BAD_USER_INPUT', 'Report "r" was already approved'))).toEqual({
      key: 'refusal.refused',
      detail: 'Report "r" was already approved',
    });
    expect(refusalOf(answered('NOT_FOUND', 'No KPI has the id "k"'))).toEqual({
      key: 'refusal.refused',
      detail: 'No KPI has the id "k"',
    });
  });

  it('translates the access codes instead of showing English to everyone', () => {
    expect(refusalOf(answered('FORBIDDEN', 'Your role may not use reviewProgressReport'))).toEqual({
      key: 'refusal.forbidden',
    });
    expect(refusalOf(answered('UNAUTHENTICATED', 'Sign in first'))).toEqual({ key: 'refusal.signedOut' });
  });

  it('says only "try again" for masked errors and an unreachable hub', () => {
    expect(refusalOf(answered('INTERNAL_SERVER_ERROR', 'Unexpected error.'))).toEqual({
      key: 'refusal.unavailable',
    });
    expect(refusalOf(new CombinedError({ networkError: new Error('fetch failed') }))).toEqual({
      key: 'refusal.unavailable',
    });
    expect(refusalOf(undefined)).toEqual({ key: 'refusal.unavailable' });
  });
});
