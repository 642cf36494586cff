import { sampleDeviceSecret } from '@bisa/db/sample-data.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import mqtt, { type MqttClient } from 'mqtt';
import pino, { type Logger } from 'pino';
import type { TestContext } from 'vitest';
import { EmbeddedBroker, type EmbeddedBrokerOptions } from './broker.ts';
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

/**
 * A logger for tests that keeps what the hub logged at debug level and above in memory, so a
 * test that fails can show how the hub got there (`printIfFailed` in an `afterEach`) while a
 * passing run stays quiet.
 */
export function recordingLogger(): { logger: Logger; printIfFailed(context: TestContext): void } {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        lines.push(line);
        if (lines.length > RECORDED_LOG_LINES) lines.shift();
      },
    },
  );
  return {
    logger,
    printIfFailed({ task }) {
      if (task.result?.state !== 'fail') return;
      console.error(
        `the hub's last ${lines.length} log lines before "${task.name}" failed:\n${lines.join('')}`,
      );
    },
  };
}

const RECORDED_LOG_LINES = 2_000;

/**
 * An embedded broker on free ports over a fresh test database (real PostgreSQL, seeded with the
 * sample devices), without ingest unless `onDeviceMessage` is given; `stop` undoes both.
 */
export async function startTestBroker(
  options: Pick<EmbeddedBrokerOptions, 'onDeviceMessage'> = {},
): Promise<{ broker: EmbeddedBroker; db: TestDatabase; stop(): Promise<void> }> {
  const db = await createTestDatabase();
  const broker = new EmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    wsPort: 0,
    sql: db.database.sql,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  await broker.start();
  return {
    broker,
    db,
    async stop() {
      await broker.stop();
      await db.drop();
    },
  };
}
