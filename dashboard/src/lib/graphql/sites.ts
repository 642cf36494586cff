import { type Client, gql } from '@urql/core';
import { loadEveryPage, PAGE_INFO_FIELDS, type Page } from '#lib/graphql/pages.ts';
import type { ProgrammeEvaluation, Reading } from '#lib/graphql/queries.ts';
import type { LocalizedText } from '#lib/i18n/i18n.svelte.ts';

// The map and the kiosk read every registered device through the paged `things` connection,
// so a regency with hundreds of sites loads in pages instead of one unbounded nested query.

export interface SiteDatastream {
  id: string;
  key: string;
  unit: string;
  expectedIntervalSeconds: number;
  observedProperty: { name: LocalizedText };
  latest: { time: string; value: number } | null;
}

export interface SiteProgramme {
  id: string;
  kind: 'PROGRAMME' | 'QUICK_WIN';
  isSample: boolean;
  name: LocalizedText;
  owner: { acronym: string };
  evaluation: ProgrammeEvaluation;
  dimension: { id: string; sortOrder: number; name: LocalizedText };
}

export interface SiteThing {
  id: string;
  databaseId: string;
  name: string;
  isSample: boolean;
  location: { id: string; databaseId: string; name: string; latitude: number; longitude: number };
  programme: SiteProgramme;
  datastreams: SiteDatastream[];
}

export interface SitesPageData {
  things: Page<SiteThing>;
}

export interface SitesPageVariables {
  after: string | null;
}

/** What a live view of devices needs of each datastream (SiteDatastream): its freshness and latest value. */
export const LIVE_DATASTREAM_FIELDS = `
  id
  key
  unit
  expectedIntervalSeconds
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
`;

/** One page of devices with their site, programme and each datastream's latest reading. */
export const SitesPageQuery = gql<SitesPageData, SitesPageVariables>`
  query SitesPage($after: String) {
    things(first: 100, after: $after) {
      ${PAGE_INFO_FIELDS}
      nodes {
        id
        databaseId
        name
        isSample
        location {
          id
          databaseId
          name
          latitude
          longitude
        }
        programme {
          id
          kind
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
          dimension {
            id
            sortOrder
            name {
              id
              en
            }
          }
        }
        datastreams {
          ${LIVE_DATASTREAM_FIELDS}
        }
      }
    }
  }
`;

/** Pages through every device; a failed page fails the whole load (a half map would mislead). */
export function loadAllSites(client: Client): Promise<SiteThing[] | Error> {
  return loadEveryPage(client, SitesPageQuery, (data) => data.things);
}

/** The latest reading of every datastream of these devices (the map's, or the devices view's). */
export function* latestSiteReadings(
  things: readonly {
    datastreams: readonly { id: string; latest: { time: string; value: number } | null }[];
  }[],
): Generator<Reading> {
  for (const thing of things)
    for (const datastream of thing.datastreams)
      if (datastream.latest) yield { datastreamId: datastream.id, ...datastream.latest };
}
