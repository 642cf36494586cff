import { describe, expect, it } from 'vitest';
import { backoffMs, signBody, verifySignature } from './webhook-sender.ts';

describe('webhook signatures', () => {
  const secret = 'a-secret-of-16-chars';
  const body = '{"type":"opened"}';

  it('verifies its own signature and refuses a changed body, another secret or an old one', () => {
    const header = signBody(secret, body, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, body, header, 1_700_000_010)).toBe(true);
    expect(verifySignature(secret, `${body} `, header, 1_700_000_010)).toBe(false);
    expect(verifySignature('another-secret-16ch', body, header, 1_700_000_010)).toBe(false);
    expect(verifySignature(secret, body, header, 1_700_001_000)).toBe(false);
    expect(verifySignature(secret, body, 'garbage', 1_700_000_000)).toBe(false);
  });
});

describe('backoffMs', () => {
  it('doubles from the base up to the maximum', () => {
    const policy = { baseMs: 1000, maxMs: 5000, maxAttempts: 10 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(policy, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});
