import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import { hashSecret, newSecret } from '@bisa/db/secret-hash.ts';
import { z } from 'zod';
import { auditedRefusalOf, recordAudit } from '../audit.ts';
import { devicesLookedAfterWhere, looksAfter } from '../auth/device-access.ts';
import { builder } from '../builder.ts';
import type { GatewayContext } from '../context.ts';
import { type DecodedId, idOf, notFound } from '../errors.ts';
import { ExpectedError } from './expected-error.ts';

// Devices and their data health (issue #5): what the people who look after a device need to see
// why it is not heard. The registry itself (`things`) is public; the health is not: it shows
// refused payloads, credentials' state and who installed the device.

const MAX_RECENT_DEAD_LETTERS = 20;

const DeviceOnlineStatus = builder.enumType('DeviceOnlineStatus', {
  description: "The device's retained status topic (its MQTT last will says OFFLINE when it drops).",
  values: { ONLINE: { value: 'online' }, OFFLINE: { value: 'offline' } } as const,
});

const DeviceHealth = builder.prismaObject('Thing', {
  variant: 'DeviceHealth',
  description:
    'How a device is doing, for the people who look after it: operators, administrators and the integrator that owns it.',
  fields: (t) => ({
    lastSeenAt: t.expose('lastSeenAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When ingest last received a message from the device, stored or refused.',
    }),
    lastAcceptedAt: t.expose('lastAcceptedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a message of the device was last stored.',
    }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description:
        'Why its last refused message was refused ("reason: detail"); cleared by the next stored one.',
    }),
    connection: t.field({
      type: DeviceOnlineStatus,
      nullable: true,
      description:
        'Null until the device has reported a status, and while it is disabled: its last retained status ' +
        '(often "online") was sent before, and a disabled device is not heard whatever it said.',
      select: { connection: true, disabledAt: true },
      resolve: (thing) =>
        thing.disabledAt === null && (thing.connection === 'online' || thing.connection === 'offline')
          ? thing.connection
          : null,
    }),
    connectionSince: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Since when the connection has been as it is; null when `connection` is.',
      select: { connectionAt: true, disabledAt: true },
      resolve: (thing) => (thing.disabledAt === null ? thing.connectionAt : null),
    }),
    disabledAt: t.expose('disabledAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the device was disabled (it cannot connect and its messages are refused).',
    }),
    hasCredential: t.boolean({
      description: 'Whether the device has a secret to connect with (a disabled device has none).',
      select: { credentialHash: true },
      resolve: (thing) => thing.credentialHash !== null,
    }),
    owner: t.relation('owner', {
      nullable: true,
      description: 'The integrator that owns the device; null when the control room alone looks after it.',
    }),
    recentDeadLetters: t.prismaField({
      type: ['DeadLetter'],
      description: `Its newest refused messages, newest first (at most ${MAX_RECENT_DEAD_LETTERS}).`,
      args: {
        first: t.arg.int({
          required: true,
          defaultValue: 5,
          validate: z.number().int().min(1).max(MAX_RECENT_DEAD_LETTERS),
        }),
      },
      // One indexed query per device (dead_letter (client_id, id)); a page holds at most 100.
      resolve: (query, thing, args, context) =>
        context.prisma.deadLetter.findMany({
          ...query,
          where: { clientId: thing.id },
          orderBy: { id: 'desc' },
          take: args.first,
        }),
    }),
  }),
});

builder.prismaObjectField('Thing', 'health', (t) =>
  t.variant(DeviceHealth, {
    description:
      'The data health of the device; null unless you are an operator, an administrator or the integrator that owns it.',
    // Null rather than an error: a public list of things stays readable, each row saying nothing.
    isNull: (thing, _args, context) => !looksAfter(context.viewer, thing.ownerUserId),
  }),
);

builder.queryField('devices', (t) =>
  t.prismaConnection(
    {
      type: 'Thing',
      cursor: 'id',
      description:
        'The devices you look after, by databaseId: every device for operators and administrators, ' +
        'its own for an integrator. Their `health` is never null here.',
      authScopes: { monitor: true, integrator: true },
      totalCount: (_connection, _args, context) =>
        context.prisma.thing.count({ where: devicesLookedAfterWhere(context.viewer) }),
      resolve: (query, _root, _args, context) =>
        context.prisma.thing.findMany({
          ...query,
          where: devicesLookedAfterWhere(context.viewer),
          orderBy: { id: 'asc' },
        }),
    },
    { name: 'DeviceConnection' },
    { name: 'DeviceEdge' },
  ),
);

// Device mutations for those who look after a device: operators and administrators for every
// device, an integrator for its own. Both are audited like every mutation. Re-enabling a disabled
// device stays with the registry CLI (`devices rotate`), i.e. with whoever runs the hub: a device
// the control room switched off cannot be switched back on from an integrator's key.

/** Rotating the credential of a disabled device: the device stays off, nothing changed. */
class DeviceDisabledError extends Error {
  readonly disabledAt: Date;

  constructor(deviceId: string, disabledAt: Date) {
    super(
      `${deviceId} is disabled; it gets a new secret only when re-enabled with the registry CLI (devices rotate ${deviceId})`,
    );
    this.disabledAt = disabledAt;
  }
}

builder.objectType(DeviceDisabledError, {
  name: 'DeviceDisabledError',
  interfaces: [ExpectedError],
  description: 'The device is disabled: no new secret was issued.',
  fields: (t) => ({
    disabledAt: t.expose('disabledAt', { type: 'DateTime' }),
  }),
});

const RotatedDeviceCredential = builder
  .objectRef<{ deviceId: string; secret: string }>('RotatedDeviceCredential')
  .implement({
    description: 'A new device secret. It is shown only in this answer; only its hash is stored.',
    fields: (t) => ({
      device: t.prismaField({
        type: 'Thing',
        resolve: (query, rotated, _args, context) =>
          context.prisma.thing.findUniqueOrThrow({ ...query, where: { id: rotated.deviceId } }),
      }),
      secret: t.exposeString('secret', {
        description:
          'The MQTT password of the device from now on. The embedded broker refuses the old one at once and closes a ' +
          'connection opened with it within about 5 s; a Mosquitto broker reads its password file, so update that ' +
          'line too (mosquitto_passwd) and reload it (SIGHUP), which also closes such a connection.',
      }),
    }),
  });

// An integrator may use the device mutations, but only on the devices it owns.
const refusedUnlessYours = auditedRefusalOf((viewer) =>
  viewer.role === 'INTEGRATOR' && viewer.canWrite ? 'this device is not one of yours' : undefined,
);

/** Who may change the device named by a mutation's `id`: its owner (scope-auth asks before the resolver). */
async function deviceScopes(args: { id: DecodedId }, context: GatewayContext) {
  const thing = await context.prisma.thing.findUnique({
    where: { id: idOf(args.id, 'Thing') },
    select: { ownerUserId: true },
  });
  return { operator: true, deviceOwner: thing?.ownerUserId ?? '' };
}

async function deviceOrNotFound(db: Pick<Prisma.TransactionClient, 'thing'>, id: string) {
  const thing = await db.thing.findUnique({ where: { id } });
  if (!thing) throw notFound(`No device has the id "${id}"; list yours with { devices { nodes { id } } }`);
  return thing;
}

builder.mutationFields((t) => ({
  disableDevice: t.prismaField({
    type: 'Thing',
    description:
      'Disables a device (operators, administrators, its integrator): its secret is removed, so it can no longer log in ' +
      'to the embedded broker, which also closes a connection it has open within about 5 s (it compares the ' +
      'credential of every connected device that often); ingest refuses its messages (device_disabled) within 30 s ' +
      '(it reads each device again at least that often), which covers a Mosquitto broker until its password file ' +
      'is regenerated and reloaded. Its `health.connection` is null from then on. Disabling it again changes nothing.',
    args: { id: t.arg.globalID({ required: true, description: 'The device (a Thing id).' }) },
    authScopes: (_root, args, context) => deviceScopes(args, context),
    ...refusedUnlessYours,
    resolve: async (query, _root, args, context) => {
      const id = idOf(args.id, 'Thing');
      const thing = await deviceOrNotFound(context.prisma, id);
      return context.prisma.$transaction(async (tx) => {
        const disabled = await tx.thing.update({
          ...query,
          where: { id },
          data: { credentialHash: null, disabledAt: thing.disabledAt ?? new Date() },
        });
        await recordAudit(tx, context.viewer, { action: 'disableDevice', outcome: 'ok', targetId: id });
        return disabled;
      });
    },
  }),
  rotateDeviceCredential: t.field({
    type: RotatedDeviceCredential,
    description:
      'Issues a new secret for a device (operators, administrators, its integrator), shown once; the old one stops ' +
      'working: the embedded broker refuses it at once and closes a connection opened with it within about 5 s. ' +
      'A Mosquitto broker reads its password file: regenerate it and reload Mosquitto (SIGHUP), which then closes ' +
      'that connection too. A disabled device answers DeviceDisabledError and keeps no secret.',
    args: { id: t.arg.globalID({ required: true, description: 'The device (a Thing id).' }) },
    errors: {
      types: [DeviceDisabledError],
      directResult: true,
      union: { name: 'RotateDeviceCredentialResult' },
    },
    authScopes: (_root, args, context) => deviceScopes(args, context),
    ...refusedUnlessYours,
    resolve: async (_root, args, context) => {
      const id = idOf(args.id, 'Thing');
      const secret = newSecret();
      const credentialHash = await hashSecret(secret);
      await context.prisma.$transaction(async (tx) => {
        // One statement decides, so a disable committed meanwhile wins over the rotation.
        const { count } = await tx.thing.updateMany({
          where: { id, disabledAt: null },
          data: { credentialHash },
        });
        if (count === 0) {
          const { disabledAt } = await deviceOrNotFound(tx, id);
          if (disabledAt) throw new DeviceDisabledError(id, disabledAt);
        }
        // The audit row never holds the secret.
        await recordAudit(tx, context.viewer, {
          action: 'rotateDeviceCredential',
          outcome: 'ok',
          targetId: id,
        });
      });
      return { deviceId: id, secret };
    },
  }),
}));
