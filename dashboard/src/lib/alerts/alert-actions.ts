import type { Client } from '@urql/core';
import { AcknowledgeAlertMutation, CloseAlertMutation } from '#lib/graphql/alerts.ts';

export type AlertAction = 'acknowledge' | 'close';

/** The longest note the gateway accepts (gateway/src/schema/alert.ts). */
export const MAX_NOTE_LENGTH = 2000;

/**
 * How an action ended. The gateway decides who may act: `refused` is its FORBIDDEN (this role,
 * or a read-only key), `signed-out` its UNAUTHENTICATED (the session ended), `rejected` a change
 * it explained (the alert is no longer in a state that allows it, e.g. someone else closed it),
 * `unavailable` anything else.
 */
export type AlertActionOutcome =
  | { ok: true }
  | { ok: false; reason: 'refused' | 'signed-out' | 'rejected' | 'unavailable' };

const REJECTED = new Set(['BAD_USER_INPUT', 'NOT_FOUND']);

/**
 * Acknowledges or closes an alert through the gateway, with an optional note. It does not touch
 * what the strip shows: the view's alertChanged subscription sends the alert's new state.
 */
export async function actOnAlert(
  client: Client,
  action: AlertAction,
  alertId: string,
  note: string,
): Promise<AlertActionOutcome> {
  const text = note.trim();
  const variables = { id: alertId, ...(text ? { note: text } : {}) };
  const result =
    action === 'acknowledge'
      ? await client.mutation(AcknowledgeAlertMutation, variables).toPromise()
      : await client.mutation(CloseAlertMutation, variables).toPromise();
  if (result.data && !result.error) return { ok: true };
  const code = result.error?.graphQLErrors[0]?.extensions.code;
  if (code === 'FORBIDDEN') return { ok: false, reason: 'refused' };
  if (code === 'UNAUTHENTICATED') return { ok: false, reason: 'signed-out' };
  if (typeof code === 'string' && REJECTED.has(code)) return { ok: false, reason: 'rejected' };
  return { ok: false, reason: 'unavailable' };
}
