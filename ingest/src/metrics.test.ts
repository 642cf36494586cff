import { describe, expect, it } from 'vitest';
import { emptyMetrics, renderPrometheus } from './metrics.ts';

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
});
