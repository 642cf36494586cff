import { type Client, gql } from '@urql/core';
import { loadEveryPage, PAGE_INFO_FIELDS, type Page } from '#lib/graphql/pages.ts';
import { LIVE_DATASTREAM_FIELDS, type SiteDatastream } from '#lib/graphql/sites.ts';
import type { LocalizedText } from '#lib/i18n/i18n.svelte.ts';

// The devices the signed-in person looks after (the gateway's `devices`: every device for
// operators and administrators, its own for an integrator), with their data health.

export interface DeviceDeadLetter {
  id: string;
  receivedAt: string;
  /** The gateway's RejectionReason, e.g. INVALID_JSON. */
  reason: string;
  detail: string;
  payloadPreview: string;
  payloadBytes: number;
}

export interface DeviceHealth {
  lastSeenAt: string | null;
  lastAcceptedAt: string | null;
  lastError: string | null;
  connection: 'ONLINE' | 'OFFLINE' | null;
  connectionSince: string | null;
  disabledAt: string | null;
  hasCredential: boolean;
  owner: { name: string } | null;
  recentDeadLetters: DeviceDeadLetter[];
}

export interface Device {
  id: string;
  databaseId: string;
  name: string;
  isSample: boolean;
  location: { name: string };
  programme: { name: LocalizedText };
  datastreams: SiteDatastream[];
  /** Never null from `devices` (it lists only what the viewer looks after). */
  health: DeviceHealth | null;
}

export const DevicesPageQuery = gql<{ devices: Page<Device> }, { after: string | null }>`
  query DevicesPage($after: String) {
    devices(first: 50, after: $after) {
      ${PAGE_INFO_FIELDS}
      nodes {
        id
        databaseId
        name
        isSample
        location {
          name
        }
        programme {
          name {
            id
            en
          }
        }
        datastreams {
          ${LIVE_DATASTREAM_FIELDS}
        }
        health {
          lastSeenAt
          lastAcceptedAt
          lastError
          connection
          connectionSince
          disabledAt
          hasCredential
          owner {
            name
          }
          # Enough refused messages to see a pattern, few enough to scan.
          recentDeadLetters(first: 3) {
            id
            receivedAt
            reason
            detail
            payloadPreview
            payloadBytes
          }
        }
      }
    }
  }
`;

export function loadAllDevices(client: Client): Promise<Device[] | Error> {
  return loadEveryPage(client, DevicesPageQuery, (data) => data.devices);
}
