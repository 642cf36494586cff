import { describe, expect, it } from 'vitest';
import { dictionaries } from './dictionaries.ts';

describe('dictionaries', () => {
  const [id, en] = [dictionaries.id, dictionaries.en];

  it('have exactly the same keys in Indonesian and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(id).sort());
  });

  it.each(Object.entries(dictionaries))('has no empty text in %s', (_locale, messages) => {
    const empty = Object.entries(messages).filter(([, text]) => text.trim() === '');
    expect(empty).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const key of Object.keys(id) as (keyof typeof id)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(id[key]));
    }
  });
});
