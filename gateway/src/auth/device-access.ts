import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import type { Viewer } from './viewer.ts';

// Who looks after which device. The control room (operators) and administrators look after
// every device; an integrator only the devices it owns (thing.owner_user_id). Reading health or
// dead letters changes nothing, so READ API keys count as much as sessions.

/** Operators and administrators: every device, every dead letter. */
export function looksAfterEveryDevice(viewer: Viewer | null): boolean {
  return viewer?.role === 'OPERATOR' || viewer?.role === 'ADMIN';
}

export function isIntegrator(viewer: Viewer | null): boolean {
  return viewer?.role === 'INTEGRATOR';
}

/** The integrator that owns a device with this owner (reading: any of its sessions or keys). */
export function ownsDevice(viewer: Viewer | null, ownerUserId: string | null): boolean {
  return viewer !== null && isIntegrator(viewer) && ownerUserId !== null && viewer.userId === ownerUserId;
}

/** Whether the viewer may see the health of a device with this owner. */
export function looksAfter(viewer: Viewer | null, ownerUserId: string | null): boolean {
  return looksAfterEveryDevice(viewer) || ownsDevice(viewer, ownerUserId);
}

/** The devices the viewer looks after, as a filter; callers refuse anyone who looks after none. */
export function devicesLookedAfterWhere(viewer: Viewer | null): Prisma.ThingWhereInput {
  if (looksAfterEveryDevice(viewer)) return {};
  // Nothing for anyone but an integrator: a missing scope check must not open the whole table.
  if (viewer === null || !isIntegrator(viewer)) return { id: { in: [] } };
  return { ownerUserId: viewer.userId };
}
