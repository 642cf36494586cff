import { readFileSync } from 'node:fs';
import { buildSchema, type DocumentNode, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DevicesPageQuery } from '#lib/devices/devices-query.ts';
import { ExplorerProgrammesQuery } from '#lib/programmes/programmes-query.ts';
import { DatastreamChartQuery } from './chart.ts';
import { QuickWinEvaluationQuery, QuickWinsQuery } from './evaluation.ts';
import { LiveEventsSubscription } from './live-events.ts';
import { WallboardQuery } from './queries.ts';
import {
  ProgressReportChangedSubscription,
  ProgressReportsQuery,
  ReportableKpisQuery,
  ReviewProgressReportMutation,
  SubmitProgressReportMutation,
} from './reports.ts';
import { SitesPageQuery } from './sites.ts';

// The gateway commits its printed schema; checking the documents against it here catches an
// API change that would otherwise only show as an empty wallboard.
const schema = buildSchema(
  readFileSync(new URL('../../../../gateway/schema.graphql', import.meta.url), 'utf8'),
);

describe('GraphQL documents', () => {
  it.each<[string, DocumentNode]>([
    ['Wallboard', WallboardQuery],
    ['SitesPage', SitesPageQuery],
    ['DevicesPage', DevicesPageQuery],
    ['ExplorerProgrammes', ExplorerProgrammesQuery],
    ['DatastreamChart', DatastreamChartQuery],
    ['QuickWins', QuickWinsQuery],
    ['QuickWinEvaluation', QuickWinEvaluationQuery],
    ['LiveEvents', LiveEventsSubscription],
    ['ReportableKpis', ReportableKpisQuery],
    ['ProgressReports', ProgressReportsQuery],
    ['SubmitProgressReport', SubmitProgressReportMutation],
    ['ReviewProgressReport', ReviewProgressReportMutation],
    ['ProgressReportChanged', ProgressReportChangedSubscription],
  ])('%s is valid against gateway/schema.graphql', (_name, document) => {
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  });
});
