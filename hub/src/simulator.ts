import { encodeReadingsPayload } from '@bisa/contract/payload.ts';
import { readingsTopic, statusTopic } from '@bisa/contract/topics.ts';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { type RandomSource, sampleValue } from './sample-signals.ts';

export interface SimulatedDevice {
  id: string;
  secret: string;
  metrics: readonly string[];
  /** How often the device promises to report: the shortest expected interval of its datastreams. */
  intervalMs: number;
}

export interface SimulatorOptions {
  brokerUrl: string;
  devices: readonly SimulatedDevice[];
  /**
   * A demo rate: every device publishes this often, all together, instead of at its declared
   * interval. Faster than declared, the data-quality view says it received more than expected.
   */
  intervalMs?: number;
  logger: Logger;
  /** How long a device stays quiet after readings from someone else (a drill) (default 60000 ms). */
  yieldMs?: number;
  /** The noise of the sample signals (default Math.random). */
  random?: RandomSource;
}

/**
 * Simulated quick-win devices. Each connects to the broker with its own credentials and
 * publishes contract-v1 readings under its own topic, exactly as a real device would, so the
 * simulator exercises the same authentication, validation and storage path.
 *
 * A drill (drill.ts) publishes as one of these devices too. So that its flood is not mixed with
 * the everyday signal, each simulated device listens to its own topics and falls quiet while
 * someone else publishes its readings, and while its status says "offline" (the stale drill).
 */
export class Simulator {
  readonly #options: SimulatorOptions;
  /** By device id; a device the broker refuses to log in has none (see start). */
  readonly #clients = new Map<string, MqttClient>();
  /**
   * Per device and payload, how many of its publications have not come back yet. Per device:
   * two devices with the same metrics publish the same payload whenever their sampled values
   * coincide (the rounding makes that frequent), and the second echo must still count as the
   * device's own, or that device would go quiet as if a drill had taken over.
   */
  readonly #unechoed = new Map<string, number>();
  readonly #quietUntil = new Map<string, number>();
  readonly #offline = new Set<string>();
  /**
   * Devices whose last reading the broker has not acknowledged yet. A real device holds one
   * message in flight; without this, a slow commit made every interval queue one more publish
   * in mqtt.js, and the backlog then arrived all at once.
   */
  readonly #inFlight = new Set<string>();
  /** By device id: when its next reading is due (epoch milliseconds). */
  readonly #nextDue = new Map<string, number>();
  #skippedRounds = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SimulatorOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { brokerUrl, devices, intervalMs, logger } = this.#options;
    for (const device of devices) {
      let client: MqttClient;
      try {
        client = await mqtt.connectAsync(brokerUrl, {
          clientId: `sim-${device.id}`,
          username: device.id,
          password: device.secret,
          protocolVersion: 4,
          reconnectPeriod: 2_000,
          will: { topic: statusTopic(device.id), payload: Buffer.from('offline'), qos: 1, retain: true },
        });
      } catch (error) {
        // A sample device given a new secret or disabled over GraphQL stays so in the data folder:
        // the hub must still start, with the other devices.
        if (!isLoginRefused(error)) throw error;
        logger.warn(
          { deviceId: device.id },
          'simulated device left out: the broker refuses its sample secret (given a new secret or disabled); the others run',
        );
        continue;
      }
      client.on('error', (error) =>
        logger.warn({ deviceId: device.id, err: error }, 'simulated device error'),
      );
      await client.publishAsync(statusTopic(device.id), 'online', { qos: 1, retain: true });
      client.on('message', (topic, payload) => this.#onOwnTopic(device.id, topic, payload.toString()));
      await client.subscribeAsync([readingsTopic(device.id), statusTopic(device.id)], { qos: 0 });
      this.#clients.set(device.id, client);
    }
    const started = Date.now();
    const shortest = Math.min(...devices.map((device) => this.#intervalOf(device)));
    // At their declared intervals (a minute or more) devices publishing together would change the
    // wall once a minute: their first readings are spread over the shortest interval instead. A
    // later first reading rather than an early second one, so no device exceeds its promise.
    devices.forEach((device, index) => {
      const phase = intervalMs === undefined ? (shortest * index) / devices.length : 0;
      this.#nextDue.set(device.id, started + phase);
    });
    await this.#publishDue(started);
    this.#timer = setInterval(
      () => {
        this.#publishDue(Date.now()).catch((error: unknown) =>
          logger.warn({ err: error }, 'simulated publish failed'),
        );
      },
      Math.min(TICK_MS, shortest),
    );
    logger.info({ devices: this.#clients.size, intervalMs: intervalMs ?? 'declared' }, 'simulator started');
  }

  #intervalOf(device: SimulatedDevice): number {
    return this.#options.intervalMs ?? device.intervalMs;
  }

  /** Publishes from the devices whose reading is due; each next one is due an interval later. */
  async #publishDue(now: number): Promise<void> {
    const due = this.#options.devices.filter((device) => (this.#nextDue.get(device.id) ?? now + 1) <= now);
    for (const device of due) {
      let next = this.#nextDue.get(device.id) ?? now;
      // From the schedule rather than from now, so the readings do not drift later; after a
      // stall (a slow machine) the missed ones are skipped, as a device with one buffer would.
      while (next <= now) next += this.#intervalOf(device);
      this.#nextDue.set(device.id, next);
    }
    await this.#publish(due, new Date(now));
  }

  /** Rounds a device left out because its previous reading was still unacknowledged. */
  get skippedRounds(): number {
    return this.#skippedRounds;
  }

  /**
   * Publishes one reading from every simulated device now, except from a device whose previous
   * reading is still unacknowledged; resolves once this round's readings are acknowledged.
   */
  async publishAll(): Promise<void> {
    await this.#publish(this.#options.devices, new Date());
  }

  async #publish(devices: readonly SimulatedDevice[], time: Date): Promise<void> {
    await Promise.all(
      devices.map((device) => {
        const client = this.#clients.get(device.id);
        if (!client?.connected || this.#isYielding(device.id, time.getTime())) return Promise.resolve();
        if (this.#inFlight.has(device.id)) {
          this.#skippedRounds++;
          this.#options.logger.debug(
            { deviceId: device.id, skippedRounds: this.#skippedRounds },
            'simulated device skips a round: its previous reading is not acknowledged yet',
          );
          return Promise.resolve();
        }
        const values = Object.fromEntries(
          device.metrics.map((m) => [m, sampleValue(m, time, this.#options.random)]),
        );
        const payload = encodeReadingsPayload([{ time, values }]);
        // Bounded: echoes lost while disconnected must not pile up.
        if (this.#unechoed.size > 10_000) this.#unechoed.clear();
        const key = echoKey(device.id, payload);
        this.#unechoed.set(key, (this.#unechoed.get(key) ?? 0) + 1);
        this.#inFlight.add(device.id);
        return client
          .publishAsync(readingsTopic(device.id), payload, { qos: 1 })
          .finally(() => this.#inFlight.delete(device.id));
      }),
    );
  }

  #takeOwnEcho(deviceId: string, payload: string): boolean {
    const key = echoKey(deviceId, payload);
    const unechoed = this.#unechoed.get(key);
    if (unechoed === undefined) return false;
    if (unechoed > 1) this.#unechoed.set(key, unechoed - 1);
    else this.#unechoed.delete(key);
    return true;
  }

  #isYielding(deviceId: string, now: number): boolean {
    return this.#offline.has(deviceId) || (this.#quietUntil.get(deviceId) ?? 0) > now;
  }

  #onOwnTopic(deviceId: string, topic: string, payload: string): void {
    const { logger } = this.#options;
    if (topic === statusTopic(deviceId)) {
      if (payload === 'offline' && this.#timer && !this.#offline.has(deviceId)) {
        this.#offline.add(deviceId);
        logger.info({ deviceId }, 'simulated device quiet: its status was set offline (stale drill)');
      } else if (payload === 'online' && this.#offline.delete(deviceId)) {
        logger.info({ deviceId }, 'simulated device resumes: its status is online again');
      }
      return;
    }
    if (this.#takeOwnEcho(deviceId, payload)) return;
    if (!this.#isYielding(deviceId, Date.now()))
      logger.info({ deviceId }, 'simulated device quiet: someone else publishes its readings (drill)');
    this.#quietUntil.set(deviceId, Date.now() + (this.#options.yieldMs ?? 60_000));
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#nextDue.clear();
    for (const [deviceId, client] of this.#clients) {
      try {
        if (client.connected)
          await client.publishAsync(statusTopic(deviceId), 'offline', { qos: 1, retain: true });
        await client.endAsync();
      } catch (error) {
        this.#options.logger.warn({ err: error, deviceId }, 'simulated device did not disconnect cleanly');
      }
    }
    this.#clients.clear();
  }
}

/** How often the simulator looks for due readings (or at the shortest interval, if shorter). */
const TICK_MS = 1_000;

/** MQTT 3.1.1 CONNACK codes of a refused login: bad user name or password (4), not authorised (5). */
function isLoginRefused(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 4 || error.code === 5);
}

function echoKey(deviceId: string, payload: string): string {
  return `${deviceId}\n${payload}`;
}
