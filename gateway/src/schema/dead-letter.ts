import { REJECTION_REASONS, type RejectionReason as Reason } from '@bisa/contract/payload.ts';
import { DEVICE_ID_PATTERN, TOPIC_ROOT } from '@bisa/contract/topics.ts';
import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import { z } from 'zod';
import { devicesLookedAfterWhere, looksAfterEveryDevice } from '../auth/device-access.ts';
import { builder } from '../builder.ts';
import type { GatewayContext } from '../context.ts';
import { forbidden } from '../errors.ts';

/** Enough of a refused payload to see what was wrong with it; the full bytes stay in the table. */
const PAYLOAD_PREVIEW_BYTES = 2048;

const RejectionReason = builder.enumType('RejectionReason', {
  description: 'Why ingest refused a message (docs/mqtt.md, "Rejections").',
  values: Object.fromEntries(REJECTION_REASONS.map((reason) => [reason.toUpperCase(), { value: reason }])),
});

builder.prismaObject('DeadLetter', {
  description: 'A message ingest could not store, kept with the reason instead of being dropped.',
  fields: (t) => ({
    id: t.id({ resolve: (letter) => String(letter.id) }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    topic: t.exposeString('topic'),
    clientId: t.exposeString('clientId', { nullable: true, description: 'The MQTT client that sent it.' }),
    reason: t.field({ type: RejectionReason, resolve: (letter) => storedReason(letter.reason) }),
    detail: t.exposeString('detail', { description: 'What was wrong, in words, and what to change.' }),
    payloadPreview: t.string({
      description: `The payload as UTF-8 (invalid bytes shown as U+FFFD), its first ${PAYLOAD_PREVIEW_BYTES} bytes.`,
      resolve: (letter) => Buffer.from(letter.payload.subarray(0, PAYLOAD_PREVIEW_BYTES)).toString('utf8'),
    }),
    payloadBytes: t.int({ resolve: (letter) => letter.payload.length }),
  }),
});

builder.queryField('deadLetters', (t) =>
  t.prismaConnection(
    {
      type: 'DeadLetter',
      cursor: 'id',
      description:
        'Refused messages, newest first, to see why a device is not heard: every device for operators and ' +
        "administrators, an integrator's own devices for integrators (another's deviceId is FORBIDDEN).",
      authScopes: { monitor: true, integrator: true },
      args: {
        deviceId: t.arg.string({
          required: false,
          description: 'The device (MQTT user and topic segment), e.g. masamba-river-01.',
          validate: z.string().regex(DEVICE_ID_PATTERN, 'a device id: lowercase letters, digits and -'),
        }),
        reason: t.arg({ type: RejectionReason, required: false }),
      },
      totalCount: async (_connection, args, context) =>
        context.prisma.deadLetter.count({ where: await visibleDeadLettersWhere(context, args) }),
      resolve: async (query, _root, args, context) =>
        context.prisma.deadLetter.findMany({
          ...query,
          where: await visibleDeadLettersWhere(context, args),
          orderBy: { id: 'desc' },
        }),
    },
    { name: 'DeadLetterConnection' },
    { name: 'DeadLetterEdge' },
  ),
);

interface DeadLetterFilter {
  deviceId?: string | null;
  reason?: string | null;
}

/**
 * The filter narrowed to what the viewer may read. Ingest sets client_id to the device id of
 * the topic (ingest/src/repositories/dead-letters.ts), so an integrator's letters are those
 * with one of its devices' ids.
 */
async function visibleDeadLettersWhere(
  context: GatewayContext,
  args: DeadLetterFilter,
): Promise<Prisma.DeadLetterWhereInput> {
  if (looksAfterEveryDevice(context.viewer)) return deadLettersWhere(args);
  const owned = await context.prisma.thing.findMany({
    where: devicesLookedAfterWhere(context.viewer),
    select: { id: true },
  });
  const ids = owned.map((thing) => thing.id);
  if (args.deviceId && !ids.includes(args.deviceId)) {
    throw forbidden(`deadLetters: "${args.deviceId}" is not one of your devices`);
  }
  return { AND: [deadLettersWhere(args), { clientId: { in: ids } }] };
}

function deadLettersWhere(args: DeadLetterFilter): Prisma.DeadLetterWhereInput {
  return {
    ...(args.deviceId
      ? { OR: [{ topic: { startsWith: `${TOPIC_ROOT}/${args.deviceId}/` } }, { clientId: args.deviceId }] }
      : {}),
    ...(args.reason ? { reason: args.reason } : {}),
  };
}

/** Ingest stores only the contract's reasons; anything else is a bug worth an error in the log. */
function storedReason(stored: string): Reason {
  const reason = REJECTION_REASONS.find((known) => known === stored);
  if (reason === undefined)
    throw new Error(`dead letter with a reason the contract does not know: "${stored}"`);
  return reason;
}
