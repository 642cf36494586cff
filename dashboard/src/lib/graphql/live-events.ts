import { gql } from '@urql/core';
import type { LiveAlert } from './alerts.ts';
import type { Reading } from './queries.ts';
import type { ReportStatus } from './reports.ts';

/** One event of a view's live stream, named after the gateway field it comes from. */
export type LiveEvent =
  | { __typename: 'ReadingsCommittedEvent'; readings: Reading[] }
  | { __typename: 'AlertChangedEvent'; alert: LiveAlert }
  /** Every alert open when the stream started has come (the AlertChangedEvents before it). */
  | { __typename: 'OpenAlertsSentEvent'; count: number }
  | { __typename: 'ProgressReportChangedEvent'; progressReport: { id: string; status: ReportStatus } };

export interface LiveEventsData {
  liveEvents: LiveEvent;
}

/** Which readings a view follows (readingsCommitted's arguments); {} for every datastream. */
export interface ReadingsWanted {
  datastreamIds?: string[];
  programmeId?: string;
}

/** The parts of the stream a view opens; a part left null is not sent at all. */
export interface LiveEventsVariables {
  readings: ReadingsWanted | null;
  /**
   * Every open alert first, then an OpenAlertsSentEvent, then each alert again whenever one of
   * its transitions commits.
   */
  alerts: Record<string, never> | null;
  /** Report decisions of one programme, or of all with {}. */
  progressReports: { programmeId?: string } | null;
}

/**
 * A view's one subscription: its readings, its open alerts and the report decisions it
 * reloads on, as the gateway's liveEvents interleaves them.
 */
export const LiveEventsSubscription = gql<LiveEventsData, LiveEventsVariables>`
  subscription LiveEvents(
    $readings: LiveReadingsInput
    $alerts: LiveAlertsInput
    $progressReports: LiveProgressReportsInput
  ) {
    liveEvents(readings: $readings, alerts: $alerts, progressReports: $progressReports) {
      __typename
      ... on ReadingsCommittedEvent {
        readings {
          datastreamId
          time
          value
        }
      }
      ... on AlertChangedEvent {
        alert {
          id
          state
          level
          value
          openedAt
          acknowledgedAt
          acknowledgedBy
          rule {
            id
            name
            kind
          }
          datastream {
            id
            unit
            observedProperty {
              name {
                id
                en
              }
            }
            thing {
              id
              name
              location {
                id
                name
              }
            }
          }
        }
      }
      ... on OpenAlertsSentEvent {
        count
      }
      ... on ProgressReportChangedEvent {
        progressReport {
          id
          status
        }
      }
    }
  }
`;
