import { REJECTION_REASONS, type RejectionReason as Reason } from '@bisa/contract/payload.ts';
import { DEVICE_ID_PATTERN, TOPIC_ROOT } from '@bisa/contract/topics.ts';
import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import { z } from 'zod';
import { builder } from '../builder.ts';

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
        'Refused messages, newest first (operators and administrators), to see why a device is not heard.',
      authScopes: { monitor: true },
      args: {
        deviceId: t.arg.string({
          required: false,
          description: 'The device (MQTT user and topic segment), e.g. masamba-river-01.',
          validate: z.string().regex(DEVICE_ID_PATTERN, 'a device id: lowercase letters, digits and -'),
        }),
        reason: t.arg({ type: RejectionReason, required: false }),
      },
      totalCount: (_connection, args, context) =>
        context.prisma.deadLetter.count({ where: deadLettersWhere(args) }),
      resolve: (query, _root, args, context) =>
        context.prisma.deadLetter.findMany({
          ...query,
          where: deadLettersWhere(args),
          orderBy: { id: 'desc' },
        }),
    },
    { name: 'DeadLetterConnection' },
    { name: 'DeadLetterEdge' },
  ),
);

function deadLettersWhere(args: {
  deviceId?: string | null;
  reason?: string | null;
}): Prisma.DeadLetterWhereInput {
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
