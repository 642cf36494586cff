import type { Client } from '@urql/core';
import { ReportDecisionsSubscription } from '#lib/graphql/reports.ts';
import { LiveSubscription, type LiveSubscriptionOptions } from '#lib/live-subscription.ts';

/**
 * Calls `reload` whenever a progress report is approved (of one programme, or of any without
 * its id): an approval moves a REPORTED KPI's actual value and so every roll-up above it,
 * which only the view's own query computes. Approvals are rare, so loading again is cheaper
 * than keeping every roll-up in the browser; the stream carries only ids and statuses.
 */
export function reloadOnApproval(
  client: Client,
  programmeId: string | null,
  reload: () => void,
  /** Tests pass a fake fetch and no backoff. */
  options: Pick<LiveSubscriptionOptions<unknown, never>, 'fetch' | 'retryDelay'> = {},
) {
  return new LiveSubscription({
    ...options,
    client,
    query: ReportDecisionsSubscription,
    variables: { programmeId },
    onData: (data) => {
      if (data.progressReportChanged.status === 'APPROVED') reload();
    },
    // An approval may have happened while the stream was down.
    onOpen: (reopened) => {
      if (reopened) reload();
    },
  });
}
