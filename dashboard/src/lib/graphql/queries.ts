import { gql } from '@urql/core';
import type { LocalizedText } from '#lib/i18n/i18n.svelte.ts';

// Result types are written by hand next to their documents and kept honest by
// queries.test.ts, which validates every document against the gateway's schema.

export interface Reading {
  /** The global id of the datastream: the same value as WallboardDatastream.id. */
  datastreamId: string;
  /** ISO 8601 with offset. */
  time: string;
  value: number;
}

export interface WallboardDatastream {
  id: string;
  key: string;
  unit: string;
  observedProperty: { name: LocalizedText };
  latest: { time: string; value: number } | null;
}

export interface WallboardThing {
  id: string;
  /** The device's MQTT user, e.g. masamba-river-01: stable and readable, unlike the global id. */
  databaseId: string;
  name: string;
  location: { name: string };
  datastreams: WallboardDatastream[];
}

export type EvaluationStatus = 'NOT_STARTED' | 'ON_TRACK' | 'AT_RISK' | 'OFF_TRACK' | 'NO_DATA';

export interface ProgrammeEvaluation {
  /** 0..1 from baseline to target; null while no KPI has data. */
  progress: number | null;
  /** 0..1: where the plan says it should be by now. */
  expectedProgress: number;
  status: EvaluationStatus;
}

export interface WallboardProgramme {
  id: string;
  isSample: boolean;
  evaluation: ProgrammeEvaluation;
  name: LocalizedText;
  owner: { acronym: string };
  things: WallboardThing[];
}

export interface WallboardDimension {
  id: string;
  sortOrder: number;
  name: LocalizedText;
  programmes: WallboardProgramme[];
}

export interface WallboardData {
  dimensions: WallboardDimension[];
}

/** Everything the wallboard lays out, with each datastream's latest reading to start from. */
export const WallboardQuery = gql<WallboardData, Record<string, never>>`
  query Wallboard {
    dimensions {
      id
      sortOrder
      name {
        id
        en
      }
      programmes(kind: QUICK_WIN) {
        id
        isSample
        name {
          id
          en
        }
        owner {
          acronym
        }
        evaluation {
          progress
          expectedProgress
          status
        }
        things {
          id
          databaseId
          name
          location {
            name
          }
          datastreams {
            id
            key
            unit
            observedProperty {
              name {
                id
                en
              }
            }
            latest {
              time
              value
            }
          }
        }
      }
    }
  }
`;
