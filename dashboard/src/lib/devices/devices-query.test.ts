import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLEnumType, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { I18n } from '#lib/i18n/i18n.svelte.ts';
import { DevicesPageQuery } from './devices-query.ts';
import { REJECTION_REASONS, reasonName } from './rejection-reasons.ts';

// The devices view against the gateway's committed schema: a renamed field or a new refusal
// reason shows here rather than as an empty or untranslated page.
const schema = buildSchema(
  readFileSync(new URL('../../../../gateway/schema.graphql', import.meta.url), 'utf8'),
);

describe('devices view and the gateway schema', () => {
  it('asks a valid query', () => {
    expect(validate(schema, DevicesPageQuery).map((error) => error.message)).toEqual([]);
  });

  it('names every refusal reason the gateway knows, in both languages', () => {
    const reasons = (schema.getType('RejectionReason') as GraphQLEnumType)
      .getValues()
      .map((value) => value.name);
    expect([...REJECTION_REASONS].sort()).toEqual(reasons.sort());
    const i18n = new I18n();
    expect(reasonName(i18n, 'INVALID_JSON')).toBe('JSON tidak valid');
    i18n.set('en');
    expect(reasonName(i18n, 'INVALID_JSON')).toBe('Invalid JSON');
    expect(reasonName(i18n, 'SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });
});
