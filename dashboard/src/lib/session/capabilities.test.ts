import { describe, expect, it } from 'vitest';
import type { Role, SignedInUser } from '#lib/graphql/session.ts';
import { type Capability, can } from './capabilities.ts';

const user = (role: Role): SignedInUser => ({ id: 'u1', name: 'Tester', role, agency: null });

describe('can', () => {
  it('gives an anonymous visitor no capability', () => {
    for (const capability of ['alerts.manage', 'reports.submit', 'reports.review', 'devices.view'] as const) {
      expect(can(null, capability)).toBe(false);
    }
  });

  // One row per role, as the gateway's scopes decide (gateway/src/builder.ts).
  it.each<[Role, Capability[]]>([
    ['VIEWER', []],
    ['OPERATOR', ['alerts.manage', 'devices.view']],
    ['REPORTER', ['reports.submit']],
    ['ADMIN', ['alerts.manage', 'reports.submit', 'reports.review', 'devices.view']],
    ['INTEGRATOR', ['devices.view']],
  ])('gives %s exactly %j', (role, expected) => {
    const all: Capability[] = ['alerts.manage', 'reports.submit', 'reports.review', 'devices.view'];
    expect(all.filter((capability) => can(user(role), capability))).toEqual(expected);
  });
});
