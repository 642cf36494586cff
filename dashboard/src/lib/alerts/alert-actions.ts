import type { Client } from '@urql/core';
import { AcknowledgeAlertMutation, CloseAlertMutation } from '#lib/graphql/alerts.ts';
import { type Refusal, refusalOf } from '#lib/graphql/refusal.ts';

export type AlertAction = 'acknowledge' | 'close';

/** The longest note the gateway accepts (gateway/src/schema/alert.ts). */
export const MAX_NOTE_LENGTH = 2000;

/** How an action ended: done, or the gateway's refusal as the dashboard words it. */
export type AlertActionOutcome = { ok: true } | { ok: false; refusal: Refusal };

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
  return { ok: false, refusal: refusalOf(result.error) };
}
