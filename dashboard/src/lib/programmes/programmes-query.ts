import { type Client, gql } from '@urql/core';
import type { PartnerKind } from '#lib/graphql/evaluation.ts';
import { loadEveryPage, PAGE_INFO_FIELDS, type Page } from '#lib/graphql/pages.ts';
import type { LocalizedText } from '#lib/i18n/i18n.svelte.ts';

// The programme explorer reads every programme once, with its dimension, owner OPD and partners,
// and filters in the browser: the masterplan has tens of programmes, not thousands, and a filter
// or a search then answers at once, in both languages, accents ignored.

export interface ExplorerPartnerRole {
  role: LocalizedText;
  partner: { databaseId: string; name: string; kind: PartnerKind };
}

export interface ExplorerProgramme {
  id: string;
  databaseId: string;
  kind: 'PROGRAMME' | 'QUICK_WIN';
  isSample: boolean;
  name: LocalizedText;
  // Filters name dimensions, OPDs and partners by databaseId: a shared link then reads
  // ?dimension=society&partner=telkom rather than opaque global ids.
  dimension: { databaseId: string; sortOrder: number; name: LocalizedText };
  owner: { databaseId: string; acronym: string; name: LocalizedText };
  partners: ExplorerPartnerRole[];
}

export const ExplorerProgrammesQuery = gql<{ programmes: Page<ExplorerProgramme> }, { after: string | null }>`
  query ExplorerProgrammes($after: String) {
    programmes(first: 100, after: $after) {
      ${PAGE_INFO_FIELDS}
      nodes {
        id
        databaseId
        kind
        isSample
        name {
          id
          en
        }
        dimension {
          databaseId
          sortOrder
          name {
            id
            en
          }
        }
        owner {
          databaseId
          acronym
          name {
            id
            en
          }
        }
        partners {
          role {
            id
            en
          }
          partner {
            databaseId
            name
            kind
          }
        }
      }
    }
  }
`;

/** Every programme in the masterplan order; a failed page fails the load (half a list misleads). */
export function loadExplorerProgrammes(client: Client): Promise<ExplorerProgramme[] | Error> {
  return loadEveryPage(client, ExplorerProgrammesQuery, (data) => data.programmes);
}
