import { gql } from '@urql/core';
import type { EvaluationStatus } from '#lib/graphql/queries.ts';
import { LIVE_DATASTREAM_FIELDS, type SiteDatastream } from '#lib/graphql/sites.ts';
import type { LocalizedText } from '#lib/i18n/i18n.svelte.ts';

export type PartnerKind = 'BANK' | 'BUSINESS' | 'COMMUNITY' | 'MEDIA' | 'STATE_ENTERPRISE' | 'UNIVERSITY';

export type EvaluationComponent = 'BASELINE' | 'OUTPUT' | 'OUTCOME' | 'IMPACT' | 'QUICK_WIN';

export interface RollUp {
  progress: number | null;
  expectedProgress: number;
  status: EvaluationStatus;
  kpisWithoutData: number;
}

export interface RegencyRollUp {
  asOf: string;
  score: number | null;
  scheme: { id: string; name: LocalizedText; onTrackRatio: number; atRiskRatio: number };
  evaluation: RollUp;
  components: { component: EvaluationComponent; weight: number; kpiCount: number; evaluation: RollUp }[];
}

export interface DimensionRollUp {
  id: string;
  sortOrder: number;
  name: LocalizedText;
  coordinator: { acronym: string };
  evaluation: RollUp;
}

const ROLL_UP_FIELDS = `
  progress
  expectedProgress
  status
  kpisWithoutData
`;

const REGENCY_FIELDS = `
  asOf
  score
  scheme {
    id
    name {
      id
      en
    }
    onTrackRatio
    atRiskRatio
  }
  evaluation {
    ${ROLL_UP_FIELDS}
  }
  components {
    component
    weight
    kpiCount
    evaluation {
      ${ROLL_UP_FIELDS}
    }
  }
`;

export interface QuickWinSummary {
  id: string;
  databaseId: string;
  isSample: boolean;
  name: LocalizedText;
  owner: { acronym: string };
  dimension: { id: string };
  evaluationDate: string;
  evaluation: RollUp;
}

export interface QuickWinsData {
  programmes: { nodes: QuickWinSummary[] };
  dimensions: DimensionRollUp[];
  regencyEvaluation: RegencyRollUp;
}

/** Every quick win with its grade, the dimensions' roll-ups and the regency's score. */
export const QuickWinsQuery = gql<QuickWinsData, Record<string, never>>`
  query QuickWins {
    programmes(kind: QUICK_WIN, first: 100) {
      nodes {
        id
        databaseId
        isSample
        name {
          id
          en
        }
        owner {
          acronym
        }
        dimension {
          id
        }
        evaluationDate
        evaluation {
          ${ROLL_UP_FIELDS}
        }
      }
    }
    dimensions {
      id
      sortOrder
      name {
        id
        en
      }
      coordinator {
        acronym
      }
      evaluation {
        ${ROLL_UP_FIELDS}
      }
    }
    regencyEvaluation {
      ${REGENCY_FIELDS}
    }
  }
`;

export interface EvaluationKpi {
  id: string;
  databaseId: string;
  isSample: boolean;
  name: LocalizedText;
  unit: string;
  direction: 'INCREASE' | 'DECREASE';
  component: EvaluationComponent;
  source: 'COMPUTED' | 'REPORTED';
  aggregation: 'AVG' | 'COUNT' | 'LAST' | 'MAX' | 'MIN' | 'SUM' | null;
  weight: number;
  baseline: number;
  target: number;
  periodStart: string;
  periodEnd: string;
  datastream: { id: string } | null;
  evaluation: {
    actual: number | null;
    progress: number | null;
    expectedProgress: number;
    status: EvaluationStatus;
  };
  reports: { id: string; value: number; observedOn: string; evidenceUrl: string | null }[];
}

export interface EvaluationDatastream extends SiteDatastream {
  /** When the first reading in the data-quality window was taken; null without one. */
  firstReadingAt: string | null;
  /** Hourly counts over the data-quality window (hours without readings left out). */
  series: { bucket: string; count: number }[];
}

export interface EvaluationThing {
  id: string;
  databaseId: string;
  name: string;
  isSample: boolean;
  lastSeenAt: string | null;
  location: { name: string };
  datastreams: EvaluationDatastream[];
}

export interface QuickWinEvaluation {
  id: string;
  databaseId: string;
  kind: 'PROGRAMME' | 'QUICK_WIN';
  isSample: boolean;
  status: 'PLANNED' | 'RUNNING' | 'CONTINUED' | 'STOPPED';
  startDate: string;
  evaluationDate: string;
  name: LocalizedText;
  description: LocalizedText;
  owner: { acronym: string; name: LocalizedText };
  dimension: DimensionRollUp;
  partners: {
    role: LocalizedText;
    partner: { id: string; name: string; kind: PartnerKind; isSample: boolean };
  }[];
  evaluation: RollUp;
  kpis: EvaluationKpi[];
  things: EvaluationThing[];
}

export interface QuickWinEvaluationData {
  programme: QuickWinEvaluation | null;
  regencyEvaluation: RegencyRollUp;
}

export interface QuickWinEvaluationVariables {
  id: string;
  qualityFrom: string;
  qualityTo: string;
}

/** One quick win for its evaluation meeting, with the data to judge its telemetry by. */
export const QuickWinEvaluationQuery = gql<QuickWinEvaluationData, QuickWinEvaluationVariables>`
  query QuickWinEvaluation($id: ID!, $qualityFrom: DateTime!, $qualityTo: DateTime!) {
    programme(id: $id) {
      id
      databaseId
      kind
      isSample
      status
      startDate
      evaluationDate
      name {
        id
        en
      }
      description {
        id
        en
      }
      owner {
        acronym
        name {
          id
          en
        }
      }
      dimension {
        id
        sortOrder
        name {
          id
          en
        }
        coordinator {
          acronym
        }
        evaluation {
          ${ROLL_UP_FIELDS}
        }
      }
      partners {
        role {
          id
          en
        }
        partner {
          id
          name
          kind
          isSample
        }
      }
      evaluation {
        ${ROLL_UP_FIELDS}
      }
      kpis {
        id
        databaseId
        isSample
        name {
          id
          en
        }
        unit
        direction
        component
        source
        aggregation
        weight
        baseline
        target
        periodStart
        periodEnd
        datastream {
          id
        }
        evaluation {
          actual
          progress
          expectedProgress
          status
        }
        reports(status: APPROVED) {
          id
          value
          observedOn
          evidenceUrl
        }
      }
      things {
        id
        databaseId
        name
        isSample
        lastSeenAt
        location {
          name
        }
        datastreams {
          ${LIVE_DATASTREAM_FIELDS}
          firstReadingAt(from: $qualityFrom, to: $qualityTo)
          series(bucket: HOUR, from: $qualityFrom, to: $qualityTo) {
            bucket
            count
          }
        }
      }
    }
    regencyEvaluation {
      ${REGENCY_FIELDS}
    }
  }
`;
