import type { CombinedError } from '@urql/core';
import type { MessageKey } from '#lib/i18n/dictionaries.ts';

/**
 * Why the gateway did not do what was asked, as the dashboard shows it: its own message when it
 * explains the client's mistake (BAD_USER_INPUT, NOT_FOUND: the gateway writes those for
 * people), a translated sentence for the access codes, and "try again" for everything else
 * (masked errors and an unreachable hub say nothing useful).
 */
export type Refusal = { key: MessageKey; detail?: string };

export function refusalOf(error: CombinedError | undefined): Refusal {
  const first = error?.graphQLErrors[0];
  switch (first?.extensions.code) {
    case 'BAD_USER_INPUT':
    case 'NOT_FOUND':
      return { key: 'refusal.refused', detail: first.message };
    case 'FORBIDDEN':
      return { key: 'refusal.forbidden' };
    case 'UNAUTHENTICATED':
      return { key: 'refusal.signedOut' };
    default:
      return { key: 'refusal.unavailable' };
  }
}
