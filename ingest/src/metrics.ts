import { REJECTION_REASONS, type RejectionReason } from '@bisa/contract/payload.ts';

/** Counters of one ingest worker since it started (Prometheus counters, plus one gauge). */
export interface IngestMetrics {
  /** Whether the MQTT connection is up and subscribed right now. */
  mqttConnected: boolean;
  mqttConnects: number;
  /** PUBLISH packets handed to ingest, redeliveries included. */
  messagesReceived: number;
  /** Messages acknowledged to the broker, each after its readings or dead letter were committed. */
  messagesAcknowledged: number;
  readingsCommitted: number;
  /** Readings already stored (redelivery or a device resending); a no-op. */
  readingsDuplicate: number;
  deadLettered: Record<RejectionReason, number>;
  /** Failed commit attempts; the message stays unacknowledged and is retried. */
  commitFailures: number;
}

export function emptyMetrics(): IngestMetrics {
  return {
    mqttConnected: false,
    mqttConnects: 0,
    messagesReceived: 0,
    messagesAcknowledged: 0,
    readingsCommitted: 0,
    readingsDuplicate: 0,
    deadLettered: Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as Record<RejectionReason, number>,
    commitFailures: 0,
  };
}

/** Renders metrics in the Prometheus text exposition format (version 0.0.4). */
export function renderPrometheus(m: IngestMetrics): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  metric('bisa_ingest_mqtt_connected', 'gauge', 'Whether the MQTT connection is up and subscribed.', [
    ['', m.mqttConnected ? 1 : 0],
  ]);
  metric('bisa_ingest_mqtt_connects_total', 'counter', 'MQTT connections established.', [
    ['', m.mqttConnects],
  ]);
  metric('bisa_ingest_messages_received_total', 'counter', 'MQTT messages received, redeliveries included.', [
    ['', m.messagesReceived],
  ]);
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
  return `${lines.join('\n')}\n`;
}
