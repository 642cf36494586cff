import { encodeReadingsPayload } from '@bisa/contract/payload.ts';
import { readingsTopic, statusTopic } from '@bisa/contract/topics.ts';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { sampleValue } from './sample-signals.ts';

export interface SimulatedDevice {
  id: string;
  secret: string;
  metrics: readonly string[];
}

export interface SimulatorOptions {
  brokerUrl: string;
  devices: readonly SimulatedDevice[];
  intervalMs: number;
  logger: Logger;
}

/**
 * Simulated quick-win devices. Each connects to the broker with its own credentials and
 * publishes contract-v1 readings under its own topic, exactly as a real device would, so the
 * simulator exercises the same authentication, validation and storage path.
 */
export class Simulator {
  readonly #options: SimulatorOptions;
  readonly #clients: MqttClient[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SimulatorOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { brokerUrl, devices, intervalMs, logger } = this.#options;
    for (const device of devices) {
      const client = await mqtt.connectAsync(brokerUrl, {
        clientId: `sim-${device.id}`,
        username: device.id,
        password: device.secret,
        protocolVersion: 4,
        reconnectPeriod: 2_000,
        will: { topic: statusTopic(device.id), payload: Buffer.from('offline'), qos: 1, retain: true },
      });
      client.on('error', (error) =>
        logger.warn({ deviceId: device.id, err: error }, 'simulated device error'),
      );
      await client.publishAsync(statusTopic(device.id), 'online', { qos: 1, retain: true });
      this.#clients.push(client);
    }
    await this.publishAll();
    this.#timer = setInterval(() => {
      this.publishAll().catch((error: unknown) => logger.warn({ err: error }, 'simulated publish failed'));
    }, intervalMs);
    logger.info({ devices: devices.length, intervalMs }, 'simulator started');
  }

  /** Publishes one reading from every simulated device now. */
  async publishAll(): Promise<void> {
    const time = new Date();
    await Promise.all(
      this.#options.devices.map((device, index) => {
        const client = this.#clients[index];
        if (!client?.connected) return Promise.resolve();
        const values = Object.fromEntries(device.metrics.map((m) => [m, sampleValue(m, time)]));
        return client.publishAsync(readingsTopic(device.id), encodeReadingsPayload([{ time, values }]), {
          qos: 1,
        });
      }),
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const [index, client] of this.#clients.entries()) {
      const device = this.#options.devices[index];
      try {
        if (device && client.connected)
          await client.publishAsync(statusTopic(device.id), 'offline', { qos: 1, retain: true });
        await client.endAsync();
      } catch (error) {
        this.#options.logger.warn(
          { err: error, deviceId: device?.id },
          'simulated device did not disconnect cleanly',
        );
      }
    }
    this.#clients.length = 0;
  }
}
