import { sampleDeviceSecret } from '@bisa/db/sample-data.ts';
import mqtt, { type MqttClient } from 'mqtt';
import type { HubConfig } from './config.ts';

/**
 * Test and benchmark helper: an embedded hub on free ports, in memory unless `dataDir` is
 * given, without the simulator unless asked for, logging nothing.
 */
export function embeddedTestConfig(overrides: Partial<HubConfig> = {}): HubConfig {
  return {
    host: '127.0.0.1',
    ports: { http: 0, mqtt: 0, mqttWs: 0 },
    dataDir: undefined,
    simulator: { enabled: false, intervalMs: 200 },
    logLevel: 'silent',
    logFormat: 'json',
    ...overrides,
  };
}

/** Connects as a sample device with its public sample secret, as a real device would. */
export function connectSampleDevice(mqttUrl: string, deviceId = 'masamba-river-01'): Promise<MqttClient> {
  return mqtt.connectAsync(mqttUrl, {
    username: deviceId,
    password: sampleDeviceSecret(deviceId),
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
}
