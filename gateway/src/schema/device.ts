import { z } from 'zod';
import { devicesLookedAfterWhere, looksAfter } from '../auth/device-access.ts';
import { builder } from '../builder.ts';

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
      description: 'Null until the device has reported a status.',
      resolve: (thing) =>
        thing.connection === 'online' || thing.connection === 'offline' ? thing.connection : null,
    }),
    connectionSince: t.expose('connectionAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Since when the connection has been as it is.',
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
