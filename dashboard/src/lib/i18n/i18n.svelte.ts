import { createContext } from 'svelte';
import { DEFAULT_LOCALE, dictionaries, isLocale, type Locale, type MessageKey } from './dictionaries.ts';

/** Text that the API carries in both languages. */
export interface LocalizedText {
  id: string;
  en: string;
}

/** The part of `localStorage` the language choice needs; tests pass a Map-backed fake. */
export interface LocaleStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const STORAGE_KEY = 'bisa-hub.locale';

/**
 * The current language and the lookups that depend on it. Reading `locale` (directly or through
 * `t`/`text`) inside a template makes that part re-render when the language changes.
 */
export class I18n {
  #locale = $state<Locale>(DEFAULT_LOCALE);
  readonly #storage: LocaleStorage | undefined;

  constructor(storage?: LocaleStorage) {
    this.#storage = storage;
  }

  get locale(): Locale {
    return this.#locale;
  }

  /** Takes the language saved by an earlier visit, if any. */
  restore(): void {
    const saved = this.#read();
    if (isLocale(saved)) this.#locale = saved;
  }

  set(locale: Locale): void {
    this.#locale = locale;
    try {
      this.#storage?.setItem(STORAGE_KEY, locale);
    } catch {
      // Storage can be full or blocked (private mode); the switch still works for this visit.
    }
  }

  toggle(): void {
    this.set(this.#locale === 'id' ? 'en' : 'id');
  }

  t(key: MessageKey, params?: Record<string, string | number>): string {
    const message = dictionaries[this.#locale][key];
    if (!params) return message;
    return message.replace(/\{(\w+)\}/g, (match, name: string) => {
      const value = params[name];
      return value === undefined ? match : String(value);
    });
  }

  text(localized: LocalizedText): string {
    return localized[this.#locale];
  }

  /** A unit as stored, in the current language when the dictionary knows the word. */
  unit(unit: string): string {
    const messages = dictionaries[this.#locale];
    const key = `unit.${unit}`;
    return Object.hasOwn(messages, key) ? messages[key as MessageKey] : unit;
  }

  #read(): string | null {
    try {
      return this.#storage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      return null;
    }
  }
}

export const [getI18n, setI18n] = createContext<I18n>();
