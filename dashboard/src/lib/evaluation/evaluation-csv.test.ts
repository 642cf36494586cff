import { describe, expect, it } from 'vitest';
import type { QuickWinEvaluation, RegencyRollUp } from '#lib/graphql/evaluation.ts';
import { I18n } from '#lib/i18n/i18n.svelte.ts';
import { evaluationCsv } from './evaluation-csv.ts';

const rollUp = { progress: 0.5, expectedProgress: 0.6, status: 'ON_TRACK' as const, kpisWithoutData: 0 };

const PROGRAMME: QuickWinEvaluation = {
  id: 'UHJvZ3JhbW1lOm9ybWFz',
  databaseId: 'ormas-online-registration',
  kind: 'QUICK_WIN',
  isSample: true,
  status: 'RUNNING',
  startDate: '2026-01-01',
  evaluationDate: '2027-01-01',
  name: { id: 'Pendaftaran ormas daring', en: 'Online organisation registration' },
  description: { id: 'd', en: 'd' },
  owner: { acronym: 'Kesbangpol', name: { id: 'Badan Kesbangpol', en: 'Kesbangpol agency' } },
  dimension: {
    id: 'dim',
    sortOrder: 1,
    name: { id: 'Tata kelola', en: 'Smart Governance' },
    coordinator: { acronym: 'Bappelitbangda' },
    evaluation: rollUp,
  },
  partners: [],
  evaluation: rollUp,
  kpis: [
    {
      id: 'k1',
      databaseId: 'ormas-applications',
      isSample: true,
      name: { id: 'Permohonan, "daring"', en: 'Applications, "online"' },
      unit: 'permohonan',
      direction: 'INCREASE',
      component: 'OUTPUT',
      source: 'COMPUTED',
      aggregation: 'SUM',
      weight: 1,
      baseline: 0,
      target: 120,
      periodStart: '2026-01-01',
      periodEnd: '2027-01-01',
      datastream: { id: 'ds1' },
      evaluation: { actual: 42.5, progress: 0.354166, expectedProgress: 0.5, status: 'AT_RISK' },
      reports: [{ id: 'r', value: 1, observedOn: '2026-06-01', evidenceUrl: 'https://bukti.example/1' }],
    },
  ],
  things: [
    {
      id: 't1',
      databaseId: 'ormas-service-01',
      name: 'Layanan ormas',
      isSample: true,
      lastSeenAt: null,
      location: { name: 'Kantor' },
      datastreams: [
        {
          id: 'ds1',
          key: 'applications',
          unit: 'permohonan',
          expectedIntervalSeconds: 300,
          observedProperty: { name: { id: 'Permohonan masuk', en: 'Applications received' } },
          latest: null,
          firstReadingAt: null,
          series: [],
        },
      ],
    },
  ],
};

const REGENCY: RegencyRollUp = {
  asOf: '2026-06-01T00:00:00.000Z',
  score: 0.4321,
  scheme: {
    id: 's',
    name: { id: 'Skema bawaan', en: 'Default scheme' },
    onTrackRatio: 0.9,
    atRiskRatio: 0.7,
  },
  evaluation: rollUp,
  components: [{ component: 'OUTPUT', weight: 20, kpiCount: 5, evaluation: rollUp }],
};

const QUALITY = new Map([
  ['ds1', { received: 80, expected: 100, completeness: 0.8, freshness: 'stale' as const }],
]);

describe('evaluation CSV', () => {
  it('has one row per KPI, datastream and roll-up, from the same data as the screen', () => {
    const i18n = new I18n();
    const lines = evaluationCsv(PROGRAMME, REGENCY, QUALITY, i18n).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Bagian,Butir,Keterangan,Satuan,Baseline,Aktual,Target,Awal periode,Akhir periode,Capaian (%),Rencana (%),Status,Bobot,Bukti',
    );
    expect(lines).toContain(
      'KPI,"Permohonan, ""daring""",Output · dihitung dari sensor,permohonan,0,42.5,120,2026-01-01,2027-01-01,35.4,50,Berisiko,1,https://bukti.example/1',
    );
    expect(lines).toContain(
      'Kualitas data,Layanan ormas · Permohonan masuk,80 dari 100,%,,80,100,,,80,,Data usang,,',
    );
    expect(lines).toContain('Rekap,Output,Skema bawaan,,,,,,,50,60,Sesuai rencana,20,');
    expect(lines.at(-1)).toBe('Rekap,Skor kabupaten,Skema bawaan,,,,,,,43.2,60,Sesuai rencana,,');
    expect(lines).toHaveLength(7);
  });

  it('follows the chosen language', () => {
    const i18n = new I18n();
    i18n.set('en');
    const csv = evaluationCsv(PROGRAMME, REGENCY, QUALITY, i18n);
    expect(csv.split('\r\n')[0]).toMatch(/^Section,Item,Detail,Unit,Baseline,Actual,Target,/);
    expect(csv).toContain('Applications, ""online""');
    expect(csv).toContain('Regency score');
  });
});
