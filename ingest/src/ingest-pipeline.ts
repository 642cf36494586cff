import type { Database } from '@bisa/db/database.ts';
import type { Logger } from 'pino';
import { emptyPipelineMetrics, observe, type PipelineMetrics } from './metrics.ts';
import { decideMessage, type MessageDecision } from './readings-message.ts';
import { insertDeadLetters } from './repositories/dead-letters.ts';
import { storeReadings } from './repositories/readings.ts';
import {
  findThingStreams,
  markThingConnection,
  markThingRejected,
  type ThingStreams,
} from './repositories/things.ts';

export interface DeviceMessage {
  topic: string;
  payload: Uint8Array;
}

export interface IngestPipelineDeps {
  database: Database;
  logger: Logger;
  /** Most messages one transaction commits together (default 256). */
  maxBatchMessages?: number;
  /**
   * Most batches committed at the same time (default 1). With 2, a message that arrives while a
   * commit runs starts the next one at once, and the database works on two batches on two cores:
   * more readings/s with large messages, but on a busy 2-core machine a higher latency
   * (docs/benchmarks.md). The PUBACKs still go out in arrival order (see mqtt-inflight.ts).
   */
  maxConcurrentCommits?: number;
  /** Milliseconds a device's registry entry is trusted before it is read again (default 30000). */
  deviceCacheMs?: number;
  /** The clock the device cache ages by; tests pass their own. */
  now?: () => number;
}

export interface IngestPipeline {
  /**
   * Validates one device message and commits its readings, status or dead letter. Resolves only
   * once that is committed, so the caller may then acknowledge it; rejects when it is not.
   */
  handle(message: DeviceMessage): Promise<void>;
  metrics(): PipelineMetrics;
}

interface Pending {
  message: DeviceMessage;
  /** Decided while earlier messages wait in the queue; awaited when its batch is taken. */
  decision: Promise<MessageDecision>;
  resolve(): void;
  reject(error: unknown): void;
}

interface Decided extends Pending {
  decided: MessageDecision;
}

/**
 * Validation and group commit. The MQTT subscriber hands over every message as it arrives (many
 * in flight per connection) and acknowledges each after its `handle` resolves; in the embedded
 * hub, every device has one in hand. A message is committed at once when one of the
 * `maxConcurrentCommits` commits is free; messages that arrive while all are busy wait and are
 * committed together in the next one: no timer, so a lone message is committed at once, and under
 * load one commit carries many messages. Messages are queued in the order they are
 * handed over, before they are decided, so they commit in arrival order even when deciding one
 * needs a database look-up (a device status must not overtake an earlier one).
 */
export function createIngestPipeline(deps: IngestPipelineDeps): IngestPipeline {
  const { database } = deps;
  const maxBatch = deps.maxBatchMessages ?? 256;
  const maxCommits = deps.maxConcurrentCommits ?? 1;
  const log = deps.logger.child({ component: 'ingest' });
  const counts = emptyPipelineMetrics();
  // Devices rarely change; a miss (unknown device or metric) reloads, so new devices are seen at
  // once. Entries also expire, so a device disabled elsewhere (CLI, GraphQL) while its connection
  // stays open is refused within `deviceCacheMs`, not only after a restart.
  const deviceCacheMs = deps.deviceCacheMs ?? 30_000;
  const now = deps.now ?? Date.now;
  const things = new Map<string, { streams: ThingStreams; loadedAt: number }>();
  let queue: Pending[] = [];
  let draining = false;
  /** Batches being committed, each on its own pooled connection. */
  const committing = new Set<Promise<void>>();

  async function lookupThing(thingId: string): Promise<ThingStreams | undefined> {
    const cached = things.get(thingId);
    if (cached && now() - cached.loadedAt < deviceCacheMs) return cached.streams;
    const loadedAt = now();
    const loaded = await findThingStreams(database.sql, thingId);
    if (loaded) things.set(thingId, { streams: loaded, loadedAt });
    else things.delete(thingId);
    return loaded;
  }

  async function decide(message: DeviceMessage): Promise<MessageDecision> {
    const decision = await decideMessage(message.topic, message.payload, lookupThing);
    if (
      decision.kind === 'reject' &&
      decision.deviceId &&
      things.has(decision.deviceId) &&
      (decision.reason === 'unknown_metric' || decision.reason === 'device_disabled')
    ) {
      // The cached device may predate a change (datastream added, device re-enabled): decide again on fresh data.
      things.delete(decision.deviceId);
      return decideMessage(message.topic, message.payload, lookupThing);
    }
    return decision;
  }

  async function commit(batch: readonly Decided[]): Promise<void> {
    const started = performance.now();
    const stores = batch.flatMap((p) => (p.decided.kind === 'store' ? [p.decided] : []));
    const statuses = batch.flatMap((p) => (p.decided.kind === 'status' ? [p.decided] : []));
    const rejects = batch.flatMap((p) =>
      p.decided.kind === 'reject' ? [{ topic: p.message.topic, ...p.decided }] : [],
    );
    const rows = stores.flatMap((d) => d.rows);
    const accepted = [...new Set([...stores, ...statuses].map((d) => d.thingId))];
    // Readings alone (the usual batch) are one statement, which commits by itself; statuses and
    // refusals need a few more statements, in one transaction with the readings.
    const inserted =
      statuses.length === 0 && rejects.length === 0
        ? await storeReadings(database.sql, rows, accepted)
        : await database.sql.transaction(async (tx) => {
            const fresh = rows.length + accepted.length > 0 ? await storeReadings(tx, rows, accepted) : 0;
            for (const s of statuses) await markThingConnection(tx, s.thingId, s.status);
            await insertDeadLetters(
              tx,
              rejects.map((r) => ({
                topic: r.topic,
                clientId: r.deviceId,
                payload: r.payload,
                reason: r.reason,
                detail: r.detail,
              })),
            );
            // The last refusal per device is what its last_error shows.
            const lastErrors = new Map(
              rejects.flatMap((r) =>
                r.knownDevice && r.deviceId ? [[r.deviceId, `${r.reason}: ${r.detail}`] as const] : [],
              ),
            );
            for (const [deviceId, error] of lastErrors) await markThingRejected(tx, deviceId, error);
            return fresh;
          });
    observe(counts.commitSeconds, (performance.now() - started) / 1000);
    observe(counts.batchSize, batch.length);
    counts.readingsCommitted += inserted;
    counts.readingsDuplicate += rows.length - inserted;
    counts.statusUpdates += statuses.length;
    if (rows.length > 0) {
      const newest = Math.max(...rows.map((r) => r.time.getTime()));
      counts.lagSeconds = Math.max(0, (Date.now() - newest) / 1000);
    }
    for (const r of rejects) {
      counts.deadLettered[r.reason] += 1;
      log.info(
        { topic: r.topic, deviceId: r.deviceId, reason: r.reason, detail: r.detail },
        'message dead-lettered',
      );
    }
    for (const d of stores) log.debug({ deviceId: d.thingId, readings: d.rows.length }, 'readings committed');
    for (const s of statuses) log.info({ deviceId: s.thingId, status: s.status }, 'device status');
  }

  /** Commits a batch, or, when the database refuses it, each of its messages on its own. */
  async function commitOrSplit(batch: readonly Decided[]): Promise<void> {
    try {
      await commit(batch);
      for (const p of batch) p.resolve();
    } catch (error) {
      counts.commitFailures += 1;
      // The retry decides again on fresh registry data, in case a cached datastream was removed.
      things.clear();
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One message the database refuses must not hold back the others: commit each on its own.
      for (const p of batch) {
        try {
          await commit([p]);
          p.resolve();
        } catch (single) {
          counts.commitFailures += 1;
          p.reject(single);
        }
      }
    }
  }

  async function drain(): Promise<void> {
    draining = true;
    while (queue.length > 0) {
      // Waiting for a free connection before taking the batch lets what arrives meanwhile join it.
      while (committing.size >= maxCommits) await Promise.race(committing);
      const taken = queue.slice(0, maxBatch);
      queue = queue.slice(maxBatch);
      const outcomes = await Promise.allSettled(taken.map((p) => p.decision));
      const batch: Decided[] = [];
      taken.forEach((p, i) => {
        const outcome = outcomes[i];
        if (outcome?.status === 'fulfilled') batch.push({ ...p, decided: outcome.value });
        else p.reject(outcome?.reason);
      });
      if (batch.length === 0) continue;
      // Readings commute (each is stored once, the latest moves only forward, accepted is the
      // newest time), so their batches may overlap. A device status or a refusal does not: it
      // waits until every earlier batch has committed, and nothing later starts before it has.
      const ordered = batch.some((p) => p.decided.kind !== 'store');
      if (ordered) await Promise.all(committing);
      const done = commitOrSplit(batch).finally(() => committing.delete(done));
      committing.add(done);
      if (ordered) await done;
    }
    draining = false;
  }

  return {
    handle(message) {
      const decision = decide(message);
      // Its failure is reported by drain() through reject(); this only keeps it from counting as unhandled.
      decision.catch(() => undefined);
      return new Promise<void>((resolve, reject) => {
        queue.push({ message, decision, resolve, reject });
        if (!draining) void drain();
      });
    },
    metrics() {
      return {
        ...counts,
        deadLettered: { ...counts.deadLettered },
        batchSize: { ...counts.batchSize, counts: [...counts.batchSize.counts] },
        commitSeconds: { ...counts.commitSeconds, counts: [...counts.commitSeconds.counts] },
      };
    },
  };
}
