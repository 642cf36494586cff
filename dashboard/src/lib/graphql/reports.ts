import { gql } from '@urql/core';
import type { LocalizedText } from '#lib/i18n/i18n.svelte.ts';

export type ReportStatus = 'SUBMITTED' | 'APPROVED' | 'REJECTED';

/** A REPORTED KPI as a reporter needs it to fill in a report. */
export interface ReportableKpi {
  id: string;
  databaseId: string;
  name: LocalizedText;
  unit: string;
  direction: 'INCREASE' | 'DECREASE';
  source: 'COMPUTED' | 'REPORTED';
  baseline: number;
  target: number;
  periodStart: string;
  /** First day after the window. */
  periodEnd: string;
  /** Newest first (by the day observed): the first is the value that counts. */
  reports: { value: number; observedOn: string }[];
}

export interface ReportableProgramme {
  id: string;
  databaseId: string;
  name: LocalizedText;
  owner: { id: string; acronym: string };
  kpis: ReportableKpi[];
}

export interface ReportableKpisData {
  programmes: { nodes: ReportableProgramme[] };
}

/** The programmes of one agency (all of them without `ownerId`) with their KPIs. */
export const ReportableKpisQuery = gql<ReportableKpisData, { ownerId: string | null }>`
  query ReportableKpis($ownerId: ID) {
    programmes(ownerId: $ownerId, first: 100) {
      nodes {
        id
        databaseId
        name {
          id
          en
        }
        owner {
          id
          acronym
        }
        kpis {
          id
          databaseId
          name {
            id
            en
          }
          unit
          direction
          source
          baseline
          target
          periodStart
          periodEnd
          reports(status: APPROVED) {
            value
            observedOn
          }
        }
      }
    }
  }
`;

export interface ProgressReport {
  id: string;
  databaseId: string;
  value: number;
  observedOn: string;
  evidenceUrl: string | null;
  note: string;
  reporter: string;
  submittedAt: string;
  status: ReportStatus;
  reviewer: string | null;
  reviewedAt: string | null;
  rejectionReason: string | null;
  kpi: {
    id: string;
    name: LocalizedText;
    unit: string;
    programme: { id: string; name: LocalizedText; owner: { id: string; acronym: string } };
  };
}

const REPORT_FIELDS = `
  id
  databaseId
  value
  observedOn
  evidenceUrl
  note
  reporter
  submittedAt
  status
  reviewer
  reviewedAt
  rejectionReason
  kpi {
    id
    name {
      id
      en
    }
    unit
    programme {
      id
      name {
        id
        en
      }
      owner {
        id
        acronym
      }
    }
  }
`;

export interface ProgressReportsVariables {
  status: ReportStatus | null;
  agencyId: string | null;
}

/** Reports newest first, of one agency and/or one status when given. */
export const ProgressReportsQuery = gql<
  { progressReports: { nodes: ProgressReport[] } },
  ProgressReportsVariables
>`
  query ProgressReports($status: ReportStatus, $agencyId: ID) {
    progressReports(status: $status, agencyId: $agencyId, first: 100) {
      nodes {
        ${REPORT_FIELDS}
      }
    }
  }
`;

export interface SubmitProgressReportInput {
  kpiId: string;
  value: number;
  observedOn: string;
  evidenceUrl: string;
  note: string;
}

export const SubmitProgressReportMutation = gql<
  { submitProgressReport: ProgressReport },
  { input: SubmitProgressReportInput }
>`
  mutation SubmitProgressReport($input: SubmitProgressReportInput!) {
    submitProgressReport(input: $input) {
      ${REPORT_FIELDS}
    }
  }
`;

export const ReviewProgressReportMutation = gql<
  { reviewProgressReport: ProgressReport },
  { input: { id: string; approve: boolean; reason: string | null } }
>`
  mutation ReviewProgressReport($input: ReviewProgressReportInput!) {
    reviewProgressReport(input: $input) {
      ${REPORT_FIELDS}
    }
  }
`;

export interface ProgressReportChangedData {
  progressReportChanged: ProgressReport;
}

/** Every report submitted, approved or rejected, as it happens. */
export const ProgressReportChangedSubscription = gql<ProgressReportChangedData, Record<string, never>>`
  subscription ProgressReportChanged {
    progressReportChanged {
      ${REPORT_FIELDS}
    }
  }
`;
