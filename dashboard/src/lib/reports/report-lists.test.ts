import { describe, expect, it } from 'vitest';
import type { ProgressReport } from '#lib/graphql/reports.ts';
import { queueAfter, withReport } from './report-lists.ts';
import { sampleReport } from './testing.ts';

const report = (id: string, submittedAt: string, status: ProgressReport['status'] = 'SUBMITTED') =>
  sampleReport(id, status, { submittedAt });

describe('report lists', () => {
  it('put a new report first and replace a known one in place of the old', () => {
    const old = report('a', '2026-11-01T00:00:00Z');
    const newer = report('b', '2026-11-02T00:00:00Z');
    expect(withReport([old], newer).map((r) => r.id)).toEqual(['b', 'a']);
    const approved = report('a', '2026-11-01T00:00:00Z', 'APPROVED');
    expect(withReport([newer, old], approved)).toEqual([newer, approved]);
  });

  it('keep the queue to submitted reports: a decided one leaves, a submitted one joins', () => {
    const queue = [report('a', '2026-11-01T00:00:00Z'), report('b', '2026-11-02T00:00:00Z')];
    expect(queueAfter(queue, report('a', '2026-11-01T00:00:00Z', 'REJECTED')).map((r) => r.id)).toEqual([
      'b',
    ]);
    expect(queueAfter(queue, report('c', '2026-11-03T00:00:00Z')).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    // An event about a report decided elsewhere, never queued here, changes nothing.
    expect(queueAfter(queue, report('z', '2026-11-04T00:00:00Z', 'APPROVED'))).toEqual(queue);
  });
});
