import { alertRuleInputSchema } from '@bisa/db/alerts.ts';
import { SAMPLE_ALERT_RULES } from '@bisa/db/sample-data.ts';
import { describe, expect, it } from 'vitest';

describe('sample alert rules', () => {
  it.each(SAMPLE_ALERT_RULES.map((r) => [r.name, r] as const))(
    '%s passes the rule validation',
    (_name, r) => {
      const parsed = alertRuleInputSchema.safeParse({
        name: r.name,
        kind: r.kind,
        direction: r.direction,
        target: { programmeId: r.programmeId, observedPropertyId: r.observedPropertyId },
        levels: r.levels,
        ...(r.windowSeconds === null ? {} : { windowSeconds: r.windowSeconds }),
        pendingSeconds: r.pendingSeconds,
      });
      expect(parsed.error?.issues ?? []).toEqual([]);
    },
  );
});
