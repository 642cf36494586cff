import { describe, expect, it } from 'vitest';
import { I18n, type LocaleStorage } from './i18n.svelte.ts';

function memoryStorage(
  initial: Record<string, string> = {},
): LocaleStorage & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial));
  return {
    values,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
  };
}

describe('I18n', () => {
  it('speaks Indonesian by default', () => {
    const i18n = new I18n(memoryStorage());
    i18n.restore();
    expect(i18n.locale).toBe('id');
    expect(i18n.t('connection.live')).toBe('Langsung');
  });

  it('toggles between Indonesian and English and remembers the choice', () => {
    const storage = memoryStorage();
    const i18n = new I18n(storage);
    i18n.toggle();
    expect(i18n.locale).toBe('en');
    expect(i18n.t('connection.live')).toBe('Live');

    const nextVisit = new I18n(storage);
    nextVisit.restore();
    expect(nextVisit.locale).toBe('en');

    nextVisit.toggle();
    expect(nextVisit.locale).toBe('id');
  });

  it('translates the units it knows, whichever language they were stored in, and keeps symbols', () => {
    const i18n = new I18n(memoryStorage());
    expect([i18n.unit('users'), i18n.unit('desa'), i18n.unit('m'), i18n.unit('µg/m³')]).toEqual([
      'pengguna',
      'desa',
      'm',
      'µg/m³',
    ]);
    i18n.set('en');
    expect([i18n.unit('users'), i18n.unit('desa'), i18n.unit('m'), i18n.unit('')]).toEqual([
      'users',
      'villages',
      'm',
      '',
    ]);
  });

  it('ignores a saved value that is not a language it knows', () => {
    const i18n = new I18n(memoryStorage({ 'bisa-hub.locale': 'fr' }));
    i18n.restore();
    expect(i18n.locale).toBe('id');
  });

  it('keeps working when storage refuses access', () => {
    const blocked: LocaleStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const i18n = new I18n(blocked);
    i18n.restore();
    i18n.toggle();
    expect(i18n.locale).toBe('en');
  });

  it('fills placeholders and picks the localized API text', () => {
    const i18n = new I18n();
    expect(i18n.t('programme.owner', { owner: 'BPBD' })).toBe('Pelaksana: BPBD');
    expect(i18n.text({ id: 'Tinggi muka air', en: 'Water level' })).toBe('Tinggi muka air');
    i18n.set('en');
    expect(i18n.t('programme.owner', { owner: 'BPBD' })).toBe('Owner: BPBD');
    expect(i18n.text({ id: 'Tinggi muka air', en: 'Water level' })).toBe('Water level');
  });
});
