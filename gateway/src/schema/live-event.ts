import type { ReportEvent } from '@bisa/db/notifications.ts';
import { map, Repeater } from 'graphql-yoga';
import { builder } from '../builder.ts';
import type { GatewayContext } from '../context.ts';
import { badUserInput } from '../errors.ts';
import type { ReadingEvent } from '../pubsub.ts';
import { alertEvents } from './alert.ts';
import { type KpiChange, kpiEvents } from './kpi.ts';
import { reportEvents } from './progress-report.ts';
import { Reading, readingEvents } from './reading.ts';

// A live view (the wallboard, a quick win's evaluation) follows readings, alerts and report
// decisions at once. One subscription carrying all of them costs the browser one stream and
// the gateway one connection per screen instead of three; each part is the separate field's
// own stream, so what it sends, in which order and to whom, is what that field would send.

type ReadingsPart = { readings: ReadingEvent[] };
type AlertPart = { alertId: string };
type OpenAlertsSentPart = { openAlertsSent: number };
type ReportPart = { report: ReportEvent };
type KpiPart = { kpiId: string };
type LiveEventValue = ReadingsPart | AlertPart | OpenAlertsSentPart | ReportPart | KpiPart;

const ReadingsCommittedEvent = builder.objectRef<ReadingsPart>('ReadingsCommittedEvent').implement({
  description:
    'One event of readingsCommitted: the readings of one commit (or of several that came together).',
  fields: (t) => ({
    readings: t.field({ type: [Reading], resolve: (event) => event.readings }),
  }),
});

const AlertChangedEvent = builder.objectRef<AlertPart>('AlertChangedEvent').implement({
  description: 'One event of alertChanged: an alert open when the stream started, or one that changed.',
  fields: (t) => ({
    alert: t.prismaField({
      type: 'Alert',
      resolve: (query, event, _args, context) =>
        context.prisma.alert.findUniqueOrThrow({ ...query, where: { id: event.alertId } }),
    }),
  }),
});

const OpenAlertsSentEvent = builder.objectRef<OpenAlertsSentPart>('OpenAlertsSentEvent').implement({
  description:
    'Every alert open when the stream started has now been sent (as the AlertChangedEvents before ' +
    'this one); the AlertChangedEvents after it are changes. Sent once per stream, so that a screen ' +
    'can show its layout and its open alerts in one go instead of growing as they come.',
  fields: (t) => ({
    count: t.int({
      description: 'How many alerts were open when the stream started.',
      resolve: (event) => event.openAlertsSent,
    }),
  }),
});

const ProgressReportChangedEvent = builder.objectRef<ReportPart>('ProgressReportChangedEvent').implement({
  description: 'One event of progressReportChanged: a report was submitted, approved or rejected.',
  fields: (t) => ({
    progressReport: t.prismaField({
      type: 'ProgressReport',
      resolve: (query, event, _args, context) =>
        context.prisma.progressReport.findUniqueOrThrow({ ...query, where: { id: event.report.reportId } }),
    }),
  }),
});

const KpiChangedEvent = builder.objectRef<KpiPart>('KpiChangedEvent').implement({
  description: 'One event of kpiChanged: a KPI whose actual value changed.',
  fields: (t) => ({
    kpi: t.prismaField({
      type: 'Kpi',
      resolve: (query, event, _args, context) =>
        context.prisma.kpi.findUniqueOrThrow({ ...query, where: { id: event.kpiId } }),
    }),
  }),
});

const LiveEvent = builder.unionType('LiveEvent', {
  description: 'One event of liveEvents, from the part of the stream named by its type.',
  types: [
    ReadingsCommittedEvent,
    AlertChangedEvent,
    OpenAlertsSentEvent,
    ProgressReportChangedEvent,
    KpiChangedEvent,
  ],
  resolveType: (event) =>
    'readings' in event
      ? ReadingsCommittedEvent
      : 'alertId' in event
        ? AlertChangedEvent
        : 'openAlertsSent' in event
          ? OpenAlertsSentEvent
          : 'report' in event
            ? ProgressReportChangedEvent
            : KpiChangedEvent,
});

const LiveReadingsInput = builder.inputType('LiveReadingsInput', {
  description: "readingsCommitted's arguments; {} for every datastream.",
  fields: (t) => ({
    datastreamIds: t.globalIDList({ required: false }),
    thingIds: t.globalIDList({ required: false }),
    programmeId: t.globalID({ required: false }),
  }),
});

const LiveAlertsInput = builder.inputType('LiveAlertsInput', {
  description: "alertChanged's arguments; {} for every alert.",
  fields: (t) => ({
    programmeId: t.globalID({ required: false }),
    levels: t.stringList({ required: false }),
  }),
});

const LiveProgressReportsInput = builder.inputType('LiveProgressReportsInput', {
  description: "progressReportChanged's arguments; {} for every report.",
  fields: (t) => ({
    programmeId: t.globalID({ required: false }),
  }),
});

const LiveKpisInput = builder.inputType('LiveKpisInput', {
  description: "kpiChanged's arguments; {} for every KPI.",
  fields: (t) => ({
    kpiIds: t.globalIDList({ required: false }),
    programmeId: t.globalID({ required: false }),
  }),
});

/**
 * The event object of one part for one value of its stream. Subscribers whose streams hand on
 * the same value (pubsub.ts publishes one object to every listener) get the same event object,
 * so shared-subscriptions.ts still executes and serialises it once for all of them.
 */
function sameEventFor<Value extends object, Event extends LiveEventValue>(
  make: (value: Value) => Event,
): (value: Value) => Event {
  const events = new WeakMap<Value, Event>();
  return (value) => {
    let event = events.get(value);
    if (!event) {
      event = make(value);
      events.set(value, event);
    }
    return event;
  };
}

const readingsEvent = sameEventFor((readings: ReadingEvent[]): ReadingsPart => ({ readings }));
const alertChangedEvent = sameEventFor((alert: { id: string }): AlertPart => ({ alertId: alert.id }));
const alertEvent = (value: { id: string } | OpenAlertsSentPart): AlertPart | OpenAlertsSentPart =>
  'openAlertsSent' in value ? value : alertChangedEvent(value);
const reportEvent = sameEventFor((report: ReportEvent): ReportPart => ({ report }));
const kpiEvent = sameEventFor((change: KpiChange): KpiPart => ({ kpiId: change.kpiId }));

builder.subscriptionField('liveEvents', (t) =>
  t.field({
    type: LiveEvent,
    description:
      "A view's live events in one stream: each part given opens the separate field of that name with " +
      'the same arguments (readings: readingsCommitted, alerts: alertChanged, progressReports: ' +
      'progressReportChanged, kpis: kpiChanged) and sends what that field would send, in its order, ' +
      'as the event type named after it; the parts are interleaved as their events come. The alerts part ' +
      'also sends one OpenAlertsSentEvent right after the alerts open at its start. At least one part.',
    args: {
      readings: t.arg({ type: LiveReadingsInput, required: false }),
      alerts: t.arg({ type: LiveAlertsInput, required: false }),
      progressReports: t.arg({ type: LiveProgressReportsInput, required: false }),
      kpis: t.arg({ type: LiveKpisInput, required: false }),
    },
    subscribe: async (_root, args, context) => {
      const parts = await Promise.all(partsOf(args, context));
      if (parts.length === 0)
        throw badUserInput(
          'ask for at least one of readings, alerts, progressReports or kpis, e.g. readings: {}',
        );
      return Repeater.merge(parts);
    },
    resolve: (event) => event,
  }),
);

type Parts = {
  readings?: Parameters<typeof readingEvents>[1] | null;
  alerts?: Parameters<typeof alertEvents>[1] | null;
  progressReports?: Parameters<typeof reportEvents>[1] | null;
  kpis?: Parameters<typeof kpiEvents>[1] | null;
};

/**
 * The streams of the parts asked for, each tagged with its event type. Each stream starts
 * listening only when the merged stream is first read, so a part refused by its own checks (an
 * unknown id) leaves no listener behind.
 */
function partsOf(args: Parts, context: GatewayContext): Promise<AsyncIterable<LiveEventValue>>[] {
  const parts: Promise<AsyncIterable<LiveEventValue>>[] = [];
  if (args.readings) parts.push(readingEvents(context, args.readings).then(map(readingsEvent)));
  if (args.alerts) {
    const alerts = alertEvents(
      context,
      args.alerts,
      (count): OpenAlertsSentPart => ({ openAlertsSent: count }),
    );
    parts.push(Promise.resolve(map(alertEvent)(alerts)));
  }
  if (args.progressReports)
    parts.push(Promise.resolve(map(reportEvent)(reportEvents(context, args.progressReports))));
  if (args.kpis) parts.push(kpiEvents(context, args.kpis).then(map(kpiEvent)));
  return parts;
}
