import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { Viewer } from './auth/viewer.ts';
import type { GatewayContext } from './context.ts';
import { type RefusalReason, refused } from './errors.ts';

type AuditWriter = Pick<Prisma.TransactionClient, 'auditEvent'>;

/** Appends one audit row; pass the mutation's transaction so the row commits with the change. */
export async function recordAudit(
  db: AuditWriter,
  actor: Pick<Viewer, 'userId' | 'via'> | null,
  entry: {
    action: string;
    outcome: 'ok' | 'denied';
    targetId?: string | null;
    detail?: Prisma.InputJsonValue;
  },
): Promise<void> {
  await db.auditEvent.create({
    data: {
      userId: actor?.userId ?? null,
      via: actor?.via ?? 'anonymous',
      action: entry.action,
      outcome: entry.outcome,
      targetId: entry.targetId ?? null,
      detail: entry.detail ?? {},
    },
  });
}

/**
 * What a mutation field spreads next to its `authScopes`: a refusal is written to the audit
 * trail (awaited, so it is stored before the client hears "no") and answered with a code that
 * says whether signing in would help. `reason` explains what the role does not (errors.ts).
 */
export function auditedRefusalOf(reason?: RefusalReason) {
  return {
    unauthorizedResolver: async (
      _parent: unknown,
      args: object,
      context: GatewayContext,
      info: GraphQLResolveInfo,
    ): Promise<never> => {
      await recordAudit(context.prisma, context.viewer, {
        action: info.fieldName,
        outcome: 'denied',
        targetId: targetOf(args),
      });
      throw refused(context, info.fieldName, { mutation: true, ...(reason ? { reason } : {}) });
    },
  };
}

export const auditedRefusal = auditedRefusalOf();

/**
 * The id a mutation acts on, for the audit row: `id`, or `input.id` / `input.kpiId`. Global ids
 * arrive decoded ({ typename, id }); the row keeps the database id, as successful changes do.
 */
function targetOf(args: object): string | null {
  const record = args as { id?: unknown; input?: { id?: unknown; kpiId?: unknown } };
  const id = record.id ?? record.input?.id ?? record.input?.kpiId;
  if (typeof id === 'object' && id !== null && 'id' in id) return String(id.id);
  return typeof id === 'string' ? id : null;
}
