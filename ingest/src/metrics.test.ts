import { describe, expect, it } from 'vitest';
import { emptyMetrics, observe, renderPrometheus } from './metrics.ts';

describe('renderPrometheus', () => {
  it('renders counters, the connection gauge and one dead-letter series per reason', () => {
    const metrics = emptyMetrics();
    metrics.mqttConnected = true;
    metrics.readingsCommitted = 7;
    metrics.deadLettered.invalid_json = 2;
    const text = renderPrometheus(metrics);
    expect(text).toContain(
      '# TYPE bisa_ingest_readings_committed_total counter\nbisa_ingest_readings_committed_total 7\n',
    );
    expect(text).toContain('bisa_ingest_mqtt_connected 1\n');
    expect(text).toContain('bisa_ingest_dead_letters_total{reason="invalid_json"} 2\n');
    expect(text).toContain('bisa_ingest_dead_letters_total{reason="unknown_metric"} 0\n');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('renders histograms cumulatively with +Inf, sum and count', () => {
    const metrics = emptyMetrics();
    observe(metrics.batchSize, 1);
    observe(metrics.batchSize, 3);
    observe(metrics.batchSize, 1000);
    const text = renderPrometheus(metrics);
    expect(text).toContain('# TYPE bisa_ingest_commit_batch_messages histogram\n');
    expect(text).toContain('bisa_ingest_commit_batch_messages_bucket{le="1"} 1\n');
    expect(text).toContain('bisa_ingest_commit_batch_messages_bucket{le="2"} 1\n');
    expect(text).toContain('bisa_ingest_commit_batch_messages_bucket{le="4"} 2\n');
    expect(text).toContain('bisa_ingest_commit_batch_messages_bucket{le="512"} 2\n');
    expect(text).toContain('bisa_ingest_commit_batch_messages_bucket{le="+Inf"} 3\n');
    expect(text).toContain(
      'bisa_ingest_commit_batch_messages_sum 1004\nbisa_ingest_commit_batch_messages_count 3\n',
    );
  });
});
