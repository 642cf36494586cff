import { type Client, gql, type OperationResult } from '@urql/core';
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
  things: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: SiteThing[];
  };
}

export interface SitesPageVariables {
  after: string | null;
}

/** One page of devices with their site, programme and each datastream's latest reading. */
export const SitesPageQuery = gql<SitesPageData, SitesPageVariables>`
  query SitesPage($after: String) {
    things(first: 100, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
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
        }
      }
    }
  }
`;

/** Pages through every device; a failed page fails the whole load (a half map would mislead). */
export async function loadAllSites(client: Client): Promise<SiteThing[] | Error> {
  const things: SiteThing[] = [];
  let after: string | null = null;
  for (;;) {
    const result: OperationResult<SitesPageData, SitesPageVariables> = await client
      .query(SitesPageQuery, { after }, { requestPolicy: 'network-only' })
      .toPromise();
    if (!result.data) return result.error ?? new Error('the sites query answered without data');
    things.push(...result.data.things.nodes);
    const { hasNextPage, endCursor } = result.data.things.pageInfo;
    if (!hasNextPage || !endCursor) return things;
    after = endCursor;
  }
}

export function* latestSiteReadings(things: readonly SiteThing[]): Generator<Reading> {
  for (const thing of things)
    for (const datastream of thing.datastreams)
      if (datastream.latest) yield { datastreamId: datastream.id, ...datastream.latest };
}
