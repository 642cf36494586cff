import { readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from './schema/index.ts';

// docs/graphql.md teaches the API by example; an example the schema refuses would teach a
// mistake. Every ```graphql block there must be a valid document.
const DOCS = readFileSync(new URL('../../docs/graphql.md', import.meta.url), 'utf8');
const EXAMPLES = [...DOCS.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

describe('docs/graphql.md', () => {
  it('has examples', () => {
    expect(EXAMPLES.length).toBeGreaterThan(10);
  });

  it.each(EXAMPLES.map((example, i) => [i + 1, example] as const))(
    'example %i is valid against the schema',
    (_n, example) => {
      expect(validate(schema, parse(example)).map((error) => error.message)).toEqual([]);
    },
  );
});
