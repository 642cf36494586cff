import { readFileSync } from 'node:fs';
import { buildSchema, type DocumentNode, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AlertChangedSubscription } from './alerts.ts';
import { DatastreamChartQuery, ReadingsOfDatastreamsSubscription } from './chart.ts';
import { QuickWinEvaluationQuery, QuickWinsQuery, ReadingsOfProgrammeSubscription } from './evaluation.ts';
import { ReadingsCommittedSubscription, WallboardQuery } from './queries.ts';
import {
  ProgressReportChangedSubscription,
  ProgressReportsQuery,
  ReportableKpisQuery,
  ReportDecisionsSubscription,
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
    ['ReadingsCommitted', ReadingsCommittedSubscription],
    ['SitesPage', SitesPageQuery],
    ['DatastreamChart', DatastreamChartQuery],
    ['ReadingsOfDatastreams', ReadingsOfDatastreamsSubscription],
    ['QuickWins', QuickWinsQuery],
    ['QuickWinEvaluation', QuickWinEvaluationQuery],
    ['ReadingsOfProgramme', ReadingsOfProgrammeSubscription],
    ['AlertChanged', AlertChangedSubscription],
    ['ReportableKpis', ReportableKpisQuery],
    ['ProgressReports', ProgressReportsQuery],
    ['SubmitProgressReport', SubmitProgressReportMutation],
    ['ReviewProgressReport', ReviewProgressReportMutation],
    ['ProgressReportChanged', ProgressReportChangedSubscription],
    ['ReportDecisions', ReportDecisionsSubscription],
  ])('%s is valid against gateway/schema.graphql', (_name, document) => {
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  });
});
