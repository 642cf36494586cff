import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLEnumType, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PARTNER_KINDS } from './explorer-filters.ts';
import { ExplorerProgrammesQuery } from './programmes-query.ts';

// The explorer against the gateway's committed schema: a renamed field or a new partner kind
// shows here rather than as an empty explorer or a filter that cannot be chosen.
const schema = buildSchema(
  readFileSync(new URL('../../../../gateway/schema.graphql', import.meta.url), 'utf8'),
);

describe('programme explorer and the gateway schema', () => {
  it('asks a valid query', () => {
    expect(validate(schema, ExplorerProgrammesQuery).map((error) => error.message)).toEqual([]);
  });

  it('offers every partner kind the gateway knows', () => {
    const kinds = (schema.getType('PartnerKind') as GraphQLEnumType).getValues().map((value) => value.name);
    expect([...PARTNER_KINDS].sort()).toEqual(kinds.sort());
  });
});
