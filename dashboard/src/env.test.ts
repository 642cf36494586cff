import { describe, expect, it } from 'vitest';
import { parseGraphqlUrl } from './env.ts';

describe('PUBLIC_GRAPHQL_URL', () => {
  it('defaults to /graphql on the same origin', () => {
    expect(parseGraphqlUrl(undefined)).toBe('/graphql');
    expect(parseGraphqlUrl('  ')).toBe('/graphql');
  });

  it('accepts a path or an absolute http(s) URL', () => {
    expect(parseGraphqlUrl('/api/graphql')).toBe('/api/graphql');
    expect(parseGraphqlUrl('https://hub.example/graphql')).toBe('https://hub.example/graphql');
  });

  it('rejects values the browser could not use, naming the variable', () => {
    expect(() => parseGraphqlUrl('hub.example/graphql')).toThrow(/PUBLIC_GRAPHQL_URL/);
    expect(() => parseGraphqlUrl('ws://hub.example/graphql')).toThrow(/PUBLIC_GRAPHQL_URL/);
    expect(() => parseGraphqlUrl('//hub.example/graphql')).toThrow(/PUBLIC_GRAPHQL_URL/);
  });
});
