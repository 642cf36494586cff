import { readFileSync } from 'node:fs';
import { buildSchema, validate } from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import { fakeGateway } from '#lib/testing/fake-gateway.ts';
import {
  DisableDeviceMutation,
  disableDevice,
  RotateDeviceCredentialMutation,
  rotateDeviceCredential,
} from './device-actions.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

const schema = buildSchema(
  readFileSync(new URL('../../../../gateway/schema.graphql', import.meta.url), 'utf8'),
);

function clientAnswering(body: object) {
  const gateway = fakeGateway(() => Response.json(body));
  vi.stubGlobal('fetch', gateway.fetch);
  return createGraphqlClient('http://hub.test/graphql');
}

describe('device actions', () => {
  it('are valid against gateway/schema.graphql', () => {
    for (const document of [DisableDeviceMutation, RotateDeviceCredentialMutation]) {
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
    }
  });

  it('hand over a new secret, or say the device is disabled', async () => {
    const rotated = clientAnswering({
      data: { rotateDeviceCredential: { __typename: 'RotatedDeviceCredential', secret: 's3cret' } },
    });
    expect(await rotateDeviceCredential(rotated, 'id')).toEqual({ kind: 'rotated', secret: 's3cret' });
    const off = clientAnswering({
      data: { rotateDeviceCredential: { __typename: 'DeviceDisabledError', message: 'x is disabled' } },
    });
    expect(await rotateDeviceCredential(off, 'id')).toEqual({ kind: 'device-disabled' });
    const disabled = clientAnswering({ data: { disableDevice: { id: 'id' } } });
    expect(await disableDevice(disabled, 'id')).toEqual({ kind: 'disabled' });
  });

  it("word the gateway's refusal like every other view does", async () => {
    const refused = clientAnswering({
      data: null,
      errors: [{ message: 'Your role may not use disableDevice', extensions: { code: 'FORBIDDEN' } }],
    });
    expect(await disableDevice(refused, 'id')).toEqual({
      kind: 'refused',
      refusal: { key: 'refusal.forbidden' },
    });
    const broken = clientAnswering({
      data: null,
      errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect(await rotateDeviceCredential(broken, 'id')).toEqual({
      kind: 'refused',
      refusal: { key: 'refusal.unavailable' },
    });
  });
});
