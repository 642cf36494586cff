import type { LocaleStorage } from '#lib/i18n/i18n.svelte.ts';

const STORAGE_KEY = 'bisa-hub.kiosk-key';
const FRAGMENT_PARAMETER = 'kiosk';

/** The part of `localStorage` the kiosk key needs; tests pass a Map-backed fake. */
export interface KioskStorage extends LocaleStorage {
  removeItem(key: string): void;
}

/**
 * The wall screen's read-only API key (a READ key of a kiosk account). It arrives once in the
 * URL fragment, `/wall#kiosk=<key>`: browsers never send a fragment to the server, so the key
 * stays out of access logs and proxies; it is then kept in this browser's localStorage and the
 * fragment is removed from the address bar. `#kiosk=` (empty) forgets it.
 */
export class KioskCredential {
  readonly #storage: KioskStorage | undefined;

  constructor(storage?: KioskStorage) {
    this.#storage = storage;
  }

  get key(): string | null {
    try {
      return this.#storage?.getItem(STORAGE_KEY) || null;
    } catch {
      return null;
    }
  }

  /**
   * Takes the key from the fragment, if it carries one, and returns the URL without it (to put
   * in the address bar), or undefined when the fragment had no kiosk key.
   */
  adoptFromFragment(url: URL): URL | undefined {
    const fragment = new URLSearchParams(url.hash.slice(1));
    const key = fragment.get(FRAGMENT_PARAMETER);
    if (key === null) return undefined;
    try {
      if (key.trim() === '') this.#storage?.removeItem(STORAGE_KEY);
      else this.#storage?.setItem(STORAGE_KEY, key.trim());
    } catch {
      // Blocked storage (private mode): the wall runs without its key, read-only and anonymous.
    }
    fragment.delete(FRAGMENT_PARAMETER);
    const cleaned = new URL(url);
    cleaned.hash = fragment.size > 0 ? fragment.toString() : '';
    return cleaned;
  }

  forget(): void {
    try {
      this.#storage?.removeItem(STORAGE_KEY);
    } catch {
      // Nothing stored that could be removed.
    }
  }
}
