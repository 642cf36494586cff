import type { Role, SignedInUser } from '#lib/graphql/session.ts';

/**
 * What a person may do in the dashboard. It mirrors the gateway's scopes (gateway/src/builder.ts)
 * so that the dashboard offers only what the gateway will accept; the gateway still decides.
 */
export type Capability =
  /** Acknowledge and close alerts: the control room (operators) and administrators. */
  | 'alerts.manage'
  /** Submit progress reports: reporters, for their own agency's KPIs, and administrators. */
  | 'reports.submit'
  /** Approve or reject progress reports: administrators. */
  | 'reports.review'
  /** Devices and their data health: integrators (their own devices), operators and administrators. */
  | 'devices.view';

const CAPABILITIES: Record<Role, readonly Capability[]> = {
  VIEWER: [],
  OPERATOR: ['alerts.manage', 'devices.view'],
  REPORTER: ['reports.submit'],
  ADMIN: ['alerts.manage', 'reports.submit', 'reports.review', 'devices.view'],
  INTEGRATOR: ['devices.view'],
};

export function can(user: SignedInUser | null, capability: Capability): boolean {
  return user !== null && CAPABILITIES[user.role].includes(capability);
}
