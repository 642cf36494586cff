import { describe, expect, it } from 'vitest';
import { I18n } from '#lib/i18n/i18n.svelte.ts';
import { lastErrorParts, reasonHelp } from './rejection-reasons.ts';

describe('rejection reasons', () => {
  it('explain a refusal in the current language', () => {
    const i18n = new I18n();
    expect(reasonHelp(i18n, 'INVALID_TIME')).toMatch(/^Waktu tidak bisa dibaca/);
    i18n.toggle();
    expect(reasonHelp(i18n, 'INVALID_TIME')).toMatch(/^The time cannot be read/);
    expect(reasonHelp(i18n, 'SOMETHING_NEW')).toBeUndefined();
  });

  it("split a device's last error into its reason and ingest's detail", () => {
    expect(lastErrorParts('invalid_time: "time" must be RFC 3339: x')).toEqual({
      reason: 'INVALID_TIME',
      detail: '"time" must be RFC 3339: x',
    });
    expect(lastErrorParts('something_new: y')).toBeNull();
    expect(lastErrorParts('no reason here')).toBeNull();
  });
});
