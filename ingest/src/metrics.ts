import { REJECTION_REASONS, type RejectionReason } from '@bisa/contract/payload.ts';

/** A Prometheus histogram: cumulative counts per upper bound, plus sum and count. */
export interface Histogram {
  bounds: readonly number[];
  /** counts[i] = observations <= bounds[i] (not cumulative here; rendered cumulatively). */
  counts: number[];
  sum: number;
  count: number;
}

export function emptyHistogram(bounds: readonly number[]): Histogram {
  return { bounds, counts: bounds.map(() => 0), sum: 0, count: 0 };
}

export function observe(h: Histogram, value: number): void {
  const index = h.bounds.findIndex((b) => value <= b);
  if (index >= 0) h.counts[index] = (h.counts[index] ?? 0) + 1;
  h.sum += value;
  h.count += 1;
}

/** Messages per commit: 1 means no grouping happened; up to the number of connections (or devices, embedded). */
export const BATCH_SIZE_BOUNDS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] as const;
/** Seconds per commit transaction. */
export const COMMIT_SECONDS_BOUNDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
] as const;

/** What the validation and commit pipeline counts, whichever transport feeds it. */
export interface PipelineMetrics {
  readingsCommitted: number;
  /** Readings already stored (redelivery or a device resending); a no-op. */
  readingsDuplicate: number;
  statusUpdates: number;
  deadLettered: Record<RejectionReason, number>;
  /** Failed commit attempts; the message stays unacknowledged and is retried. */
  commitFailures: number;
  /** Messages per commit transaction. */
  batchSize: Histogram;
  /** Duration of each commit transaction. */
  commitSeconds: Histogram;
  /** Age of the newest reading of the latest commit: how far behind the devices ingest is (0 if none yet). */
  lagSeconds: number;
}

/** Counters of one ingest worker since it started (Prometheus counters, histograms and gauges). */
export interface IngestMetrics extends PipelineMetrics {
  /** Whether every MQTT connection is up and subscribed right now. */
  mqttConnected: boolean;
  mqttConnects: number;
  /** PUBLISH packets handed to ingest, redeliveries included. */
  messagesReceived: number;
  /** Messages the broker marked as redelivered (DUP flag): sent before, never acknowledged. */
  messagesRedelivered: number;
  /** Messages acknowledged, each after its readings, status or dead letter were committed. */
  messagesAcknowledged: number;
}

export function emptyMetrics(): IngestMetrics {
  return {
    mqttConnected: false,
    mqttConnects: 0,
    messagesReceived: 0,
    messagesRedelivered: 0,
    messagesAcknowledged: 0,
    ...emptyPipelineMetrics(),
  };
}

export function emptyPipelineMetrics(): PipelineMetrics {
  return {
    readingsCommitted: 0,
    readingsDuplicate: 0,
    statusUpdates: 0,
    deadLettered: Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as Record<RejectionReason, number>,
    commitFailures: 0,
    batchSize: emptyHistogram(BATCH_SIZE_BOUNDS),
    commitSeconds: emptyHistogram(COMMIT_SECONDS_BOUNDS),
    lagSeconds: 0,
  };
}

/** Renders metrics in the Prometheus text exposition format (version 0.0.4). */
export function renderPrometheus(m: IngestMetrics): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const histogram = (name: string, help: string, h: Histogram) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    let cumulative = 0;
    for (const [i, bound] of h.bounds.entries()) {
      cumulative += h.counts[i] ?? 0;
      lines.push(`${name}_bucket{le="${bound}"} ${cumulative}`);
    }
    lines.push(`${name}_bucket{le="+Inf"} ${h.count}`, `${name}_sum ${h.sum}`, `${name}_count ${h.count}`);
  };
  metric('bisa_ingest_mqtt_connected', 'gauge', 'Whether every MQTT connection is up and subscribed.', [
    ['', m.mqttConnected ? 1 : 0],
  ]);
  metric('bisa_ingest_mqtt_connects_total', 'counter', 'MQTT connections established.', [
    ['', m.mqttConnects],
  ]);
  metric('bisa_ingest_messages_received_total', 'counter', 'MQTT messages received, redeliveries included.', [
    ['', m.messagesReceived],
  ]);
  metric(
    'bisa_ingest_messages_redelivered_total',
    'counter',
    'MQTT messages received with the DUP flag (delivered before and not acknowledged).',
    [['', m.messagesRedelivered]],
  );
  metric(
    'bisa_ingest_messages_acknowledged_total',
    'counter',
    'MQTT messages acknowledged after their commit.',
    [['', m.messagesAcknowledged]],
  );
  metric('bisa_ingest_readings_committed_total', 'counter', 'Readings newly stored.', [
    ['', m.readingsCommitted],
  ]);
  metric('bisa_ingest_readings_duplicate_total', 'counter', 'Readings received again and ignored.', [
    ['', m.readingsDuplicate],
  ]);
  metric('bisa_ingest_status_updates_total', 'counter', 'Device online/offline status messages committed.', [
    ['', m.statusUpdates],
  ]);
  metric(
    'bisa_ingest_dead_letters_total',
    'counter',
    'Messages refused and stored as dead letters, by reason.',
    Object.entries(m.deadLettered).map(([reason, n]) => [`{reason="${reason}"}`, n]),
  );
  metric(
    'bisa_ingest_commit_failures_total',
    'counter',
    'Failed commit attempts (message kept unacknowledged and retried).',
    [['', m.commitFailures]],
  );
  histogram('bisa_ingest_commit_batch_messages', 'Messages committed per database transaction.', m.batchSize);
  histogram('bisa_ingest_commit_duration_seconds', 'Duration of each commit transaction.', m.commitSeconds);
  metric(
    'bisa_ingest_lag_seconds',
    'gauge',
    'Age of the newest reading in the latest commit (includes device clock offset and device-side buffering).',
    [['', m.lagSeconds]],
  );
  return `${lines.join('\n')}\n`;
}
