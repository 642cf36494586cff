import { type Client, type CombinedError, gql } from '@urql/core';
import { type Refusal, refusalOf } from '#lib/graphql/refusal.ts';

// What whoever looks after a device may do to it from the dashboard (the gateway's
// disableDevice and rotateDeviceCredential; it still decides, by owner, for each device).

export const DisableDeviceMutation = gql<{ disableDevice: { id: string } }, { id: string }>`
  mutation DisableDevice($id: ID!) {
    disableDevice(id: $id) {
      id
    }
  }
`;

type RotateResult =
  | { __typename: 'RotatedDeviceCredential'; secret: string }
  | { __typename: 'DeviceDisabledError'; message: string };

export const RotateDeviceCredentialMutation = gql<{ rotateDeviceCredential: RotateResult }, { id: string }>`
  mutation RotateDeviceCredential($id: ID!) {
    rotateDeviceCredential(id: $id) {
      __typename
      ... on RotatedDeviceCredential {
        secret
      }
      ... on DeviceDisabledError {
        message
      }
    }
  }
`;

/**
 * How an action ended: done (with the new secret, shown once, for a rotation); the device is
 * disabled and gets no secret; or the gateway's refusal as the dashboard words it (not yours,
 * the session ended, unreachable).
 */
export type DeviceActionOutcome =
  | { kind: 'disabled' }
  | { kind: 'rotated'; secret: string }
  | { kind: 'device-disabled' }
  | { kind: 'refused'; refusal: Refusal };

function failure(error: CombinedError | undefined): DeviceActionOutcome {
  return { kind: 'refused', refusal: refusalOf(error) };
}

export async function disableDevice(client: Client, id: string): Promise<DeviceActionOutcome> {
  const result = await client.mutation(DisableDeviceMutation, { id }).toPromise();
  return result.data ? { kind: 'disabled' } : failure(result.error);
}

export async function rotateDeviceCredential(client: Client, id: string): Promise<DeviceActionOutcome> {
  const result = await client.mutation(RotateDeviceCredentialMutation, { id }).toPromise();
  const rotated = result.data?.rotateDeviceCredential;
  if (!rotated) return failure(result.error);
  return rotated.__typename === 'RotatedDeviceCredential'
    ? { kind: 'rotated', secret: rotated.secret }
    : { kind: 'device-disabled' };
}
