import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import { z } from 'zod';
import { builder } from '../builder.ts';

const AuditOutcome = builder.enumType('AuditOutcome', {
  description: 'OK: the change was made. DENIED: the attempt was refused and changed nothing.',
  values: { OK: { value: 'ok' }, DENIED: { value: 'denied' } } as const,
});

builder.prismaObject('AuditEvent', {
  description: 'One change, or one refused attempt, in the append-only audit trail.',
  fields: (t) => ({
    id: t.id({ resolve: (event) => String(event.id) }),
    at: t.expose('at', { type: 'DateTime' }),
    user: t.relation('user', { nullable: true, description: 'Who acted; null when anonymous.' }),
    via: t.exposeString('via', {
      description: '"session", "api_key", "anonymous", or "cli" (the accounts command line).',
    }),
    action: t.exposeString('action', { description: 'The mutation, e.g. reviewProgressReport.' }),
    outcome: t.field({
      type: AuditOutcome,
      resolve: (event) => (event.outcome === 'ok' ? 'ok' : 'denied'),
    }),
    targetId: t.exposeString('targetId', {
      nullable: true,
      description: 'The database id of the object acted on (databaseId in the API).',
    }),
    detail: t.string({
      description: 'What changed, as JSON.',
      resolve: (event) => JSON.stringify(event.detail),
    }),
  }),
});

builder.queryField('auditEvents', (t) =>
  t.prismaConnection(
    {
      type: 'AuditEvent',
      cursor: 'id',
      description: 'The audit trail, newest first (administrators); every filter given must match.',
      authScopes: { admin: true },
      args: {
        action: t.arg.string({ required: false, validate: z.string().min(1).max(100) }),
        outcome: t.arg({ type: AuditOutcome, required: false }),
        targetId: t.arg.string({
          required: false,
          description: 'A databaseId, e.g. of a programme or a progress report.',
          validate: z.string().min(1).max(200),
        }),
      },
      totalCount: (_connection, args, context) =>
        context.prisma.auditEvent.count({ where: auditEventsWhere(args) }),
      resolve: (query, _root, args, context) =>
        context.prisma.auditEvent.findMany({
          ...query,
          where: auditEventsWhere(args),
          orderBy: { id: 'desc' },
        }),
    },
    { name: 'AuditEventConnection' },
    { name: 'AuditEventEdge' },
  ),
);

function auditEventsWhere(filter: {
  action?: string | null;
  outcome?: 'ok' | 'denied' | null;
  targetId?: string | null;
}): Prisma.AuditEventWhereInput {
  return {
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(filter.targetId ? { targetId: filter.targetId } : {}),
  };
}
