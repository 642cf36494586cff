import { gql } from '@urql/core';
import type { SeriesBucket } from '#lib/charts/series.ts';
import { LIVE_DATASTREAM_FIELDS, type SiteDatastream } from '#lib/graphql/sites.ts';
import type { LocalizedText } from '#lib/i18n/i18n.svelte.ts';

export interface ChartKpi {
  id: string;
  name: LocalizedText;
  aggregation: 'AVG' | 'COUNT' | 'LAST' | 'MAX' | 'MIN' | 'SUM' | null;
  baseline: number;
  target: number;
  datastream: { id: string } | null;
}

export interface ChartDatastream extends SiteDatastream {
  // Alert rules may target an observed property, so the chart also needs its id.
  observedProperty: SiteDatastream['observedProperty'] & { id: string };
  thing: {
    id: string;
    name: string;
    location: { id: string; name: string };
    programme: { id: string; name: LocalizedText; kpis: ChartKpi[] };
  };
  series: { bucket: string; value: number; min: number; max: number; count: number }[];
}

/** An alert rule with its targets: it applies to every datastream matching all the set ones. */
export interface ChartAlertRule {
  id: string;
  name: string;
  kind: 'THRESHOLD' | 'RATE_OF_RISE' | 'NO_DATA';
  levels: { level: string; raise: number }[];
  datastream: { id: string } | null;
  programme: { id: string } | null;
  observedProperty: { id: string } | null;
  thing: { id: string } | null;
  location: { id: string } | null;
}

export interface DatastreamChartData {
  datastream: ChartDatastream | null;
  alertRules: { nodes: ChartAlertRule[] };
}

export interface DatastreamChartVariables {
  id: string;
  bucket: SeriesBucket;
  from: string;
  to: string;
}

/** A datastream with its bucketed series over one window, and the KPIs and alert rules that may set a line. */
export const DatastreamChartQuery = gql<DatastreamChartData, DatastreamChartVariables>`
  query DatastreamChart($id: ID!, $bucket: SeriesBucket!, $from: DateTime!, $to: DateTime!) {
    datastream(id: $id) {
      ${LIVE_DATASTREAM_FIELDS}
      observedProperty {
        id
      }
      thing {
        id
        name
        location {
          id
          name
        }
        programme {
          id
          name {
            id
            en
          }
          kpis {
            id
            name {
              id
              en
            }
            aggregation
            baseline
            target
            datastream {
              id
            }
          }
        }
      }
      series(bucket: $bucket, from: $from, to: $to, aggregate: AVG) {
        bucket
        value
        min
        max
        count
      }
    }
    # Rules are few (tens); one page is all of them in practice.
    alertRules(enabled: true, first: 100) {
      nodes {
        id
        name
        kind
        levels {
          level
          raise
        }
        datastream {
          id
        }
        programme {
          id
        }
        observedProperty {
          id
        }
        thing {
          id
        }
        location {
          id
        }
      }
    }
  }
`;
