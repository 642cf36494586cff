import { gql } from '@urql/core';
import type { LocalizedText } from '#lib/i18n/i18n.svelte.ts';

export type AlertState = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED' | 'CLOSED';

export interface LiveAlert {
  id: string;
  state: AlertState;
  /** WASPADA, SIAGA or AWAS with the default names; a rule may name its levels otherwise. */
  level: string;
  /** The rule's measure at the last transition. */
  value: number;
  /** ISO 8601 with offset. */
  openedAt: string;
  acknowledgedAt: string | null;
  /** Null unless the caller is signed in (the wall is not). */
  acknowledgedBy: string | null;
  rule: { id: string; name: string; kind: 'THRESHOLD' | 'RATE_OF_RISE' | 'NO_DATA' };
  datastream: {
    id: string;
    unit: string;
    observedProperty: { name: LocalizedText };
    thing: { id: string; name: string; location: { id: string; name: string } };
  };
}

export interface AlertActionVariables {
  id: string;
  note?: string;
}

type AlertActionResult = { id: string; state: AlertState };

/** An operator takes an OPEN alert in hand; the strip learns the new state from the view's live stream. */
export const AcknowledgeAlertMutation = gql<{ acknowledgeAlert: AlertActionResult }, AlertActionVariables>`
  mutation AcknowledgeAlert($id: ID!, $note: String) {
    acknowledgeAlert(id: $id, note: $note) {
      id
      state
    }
  }
`;

export const CloseAlertMutation = gql<{ closeAlert: AlertActionResult }, AlertActionVariables>`
  mutation CloseAlert($id: ID!, $note: String) {
    closeAlert(id: $id, note: $note) {
      id
      state
    }
  }
`;
