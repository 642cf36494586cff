import { readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from './schema/index.ts';

// docs/graphql.md teaches the API by example; an example the schema refuses would teach a
// mistake. Every ```graphql block there, and every query of its curl examples, must be a valid document.
const DOCS = readFileSync(new URL('../../docs/graphql.md', import.meta.url), 'utf8');
const EXAMPLES = [...DOCS.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
// The curl examples carry their documents as JSON strings: `"query":"..."` in a ```sh block.
const CURL_QUERIES = [...DOCS.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
  [...(block[1] ?? '').matchAll(/"query":\s*("(?:[^"\\]|\\.)*")/g)].map(
    (match) => JSON.parse(match[1] ?? '""') as string,
  ),
);

describe('docs/graphql.md', () => {
  it('has examples', () => {
    expect(EXAMPLES.length).toBeGreaterThan(10);
  });

  it('has curl examples', () => {
    expect(CURL_QUERIES.length).toBeGreaterThan(3);
  });

  it.each(CURL_QUERIES.map((query, i) => [i + 1, query] as const))(
    'curl example %i is valid against the schema',
    (_n, query) => {
      expect(validate(schema, parse(query)).map((error) => error.message)).toEqual([]);
    },
  );

  it.each(EXAMPLES.map((example, i) => [i + 1, example] as const))(
    'example %i is valid against the schema',
    (_n, example) => {
      expect(validate(schema, parse(example)).map((error) => error.message)).toEqual([]);
    },
  );
});
