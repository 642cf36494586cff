import { type Client, CombinedError } from '@urql/core';
import { Clock } from '#lib/clock.svelte.ts';
import { latestSiteReadings } from '#lib/graphql/sites.ts';
import { LiveFeed } from '#lib/live-feed.svelte.ts';
import { LiveReadings } from '#lib/live-readings.svelte.ts';
import { type DeviceState, deviceState } from './device-status.ts';
import { type Device, loadAllDevices } from './devices-query.ts';

/**
 * Health (last seen, connection, last error, dead letters) changes without a reading, so the
 * list is asked again this often; readings themselves arrive live.
 */
export const DEVICES_REFRESH_MS = 10_000;

/**
 * The devices view: the devices the viewer looks after from paged loads, their readings from
 * the view's one subscription, their health re-queried on an interval, and a clock so a device
 * turns stale while nothing arrives.
 */
export class DevicesView {
  readonly readings = new LiveReadings();
  readonly feed: LiveFeed<Device[]>;
  readonly #clock: Clock;
  readonly #refreshMs: number;
  #refresh: ReturnType<typeof setInterval> | undefined;
  #refused = $state(false);

  readonly states: ReadonlyMap<string, DeviceState> = $derived.by(
    () =>
      new Map(
        (this.feed.data ?? []).map((device) => [
          device.id,
          deviceState(device, (id) => this.readings.get(id)?.time, this.#clock.now),
        ]),
      ),
  );

  constructor(client: Client, options: { clock?: Clock; refreshMs?: number } = {}) {
    this.#clock = options.clock ?? new Clock(5_000);
    this.#refreshMs = options.refreshMs ?? DEVICES_REFRESH_MS;
    this.feed = new LiveFeed({
      client,
      readings: this.readings,
      load: async (loadWith) => {
        const result = await loadAllDevices(loadWith);
        this.#refused = isRefusal(result);
        return result;
      },
      latest: latestSiteReadings,
    });
  }

  /** The gateway refused the list (the role may not see devices, or the session ended). */
  get refused(): boolean {
    return this.#refused;
  }

  start(): void {
    this.#clock.start();
    this.feed.start();
    this.#refresh ??= setInterval(() => this.feed.reload(), this.#refreshMs);
  }

  stop(): void {
    clearInterval(this.#refresh);
    this.#refresh = undefined;
    this.feed.stop();
    this.#clock.stop();
  }
}

function isRefusal(result: Device[] | Error): boolean {
  return (
    result instanceof CombinedError &&
    result.graphQLErrors.some((error) =>
      ['FORBIDDEN', 'UNAUTHENTICATED'].includes(String(error.extensions.code)),
    )
  );
}
