import { describe, expect, it } from 'vitest';
import { KioskCredential, type KioskStorage } from './kiosk-credential.ts';

function memoryStorage(): KioskStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

describe('KioskCredential', () => {
  it('takes the key from the URL fragment, keeps it, and gives the address without it', () => {
    const storage = memoryStorage();
    const kiosk = new KioskCredential(storage);
    const cleaned = kiosk.adoptFromFragment(new URL('http://hub.test/wall?rotate=20#kiosk=bisa_abc'));
    expect(cleaned?.href).toBe('http://hub.test/wall?rotate=20');
    expect(kiosk.key).toBe('bisa_abc');
    // A later visit without the fragment still has it.
    expect(new KioskCredential(storage).key).toBe('bisa_abc');
  });

  it('leaves other fragment parameters in place and ignores a fragment without a key', () => {
    const kiosk = new KioskCredential(memoryStorage());
    expect(kiosk.adoptFromFragment(new URL('http://hub.test/wall#panel=map'))).toBeUndefined();
    expect(kiosk.key).toBeNull();
    expect(kiosk.adoptFromFragment(new URL('http://hub.test/wall#panel=map&kiosk=k1'))?.hash).toBe(
      '#panel=map',
    );
    expect(kiosk.key).toBe('k1');
  });

  it('forgets the key on an empty #kiosk= and on forget()', () => {
    const storage = memoryStorage();
    const kiosk = new KioskCredential(storage);
    kiosk.adoptFromFragment(new URL('http://hub.test/wall#kiosk=k1'));
    kiosk.adoptFromFragment(new URL('http://hub.test/wall#kiosk='));
    expect(kiosk.key).toBeNull();
    kiosk.adoptFromFragment(new URL('http://hub.test/wall#kiosk=k2'));
    kiosk.forget();
    expect(storage.values.size).toBe(0);
  });

  it('has no key without storage (server rendering, blocked storage)', () => {
    const kiosk = new KioskCredential();
    expect(kiosk.adoptFromFragment(new URL('http://hub.test/wall#kiosk=k1'))?.hash).toBe('');
    expect(kiosk.key).toBeNull();
  });
});
