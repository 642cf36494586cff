import type { AlertState, LiveAlert } from '#lib/graphql/alerts.ts';
import type { I18n } from '#lib/i18n/i18n.svelte.ts';

/** The default levels, lowest first (docs/alerts.md); they set the order and the colours. */
export const ALERT_LEVELS = ['WASPADA', 'SIAGA', 'AWAS'] as const;
export type KnownLevel = (typeof ALERT_LEVELS)[number];

export function isKnownLevel(level: string): level is KnownLevel {
  return (ALERT_LEVELS as readonly string[]).includes(level);
}

/** 1 for WASPADA up to 3 for AWAS; 0 for a level a rule named itself, so it sorts below them. */
export function levelRank(level: string): number {
  return ALERT_LEVELS.indexOf(level as KnownLevel) + 1;
}

/** OPEN and ACKNOWLEDGED still need someone; RESOLVED and CLOSED leave the strip. */
export function isOpen(state: AlertState): boolean {
  return state === 'OPEN' || state === 'ACKNOWLEDGED';
}

/** Highest level first, then the most recently opened: what to look at first on a wall. */
export function compareAlerts(a: LiveAlert, b: LiveAlert): number {
  return levelRank(b.level) - levelRank(a.level) || Date.parse(b.openedAt) - Date.parse(a.openedAt);
}

/**
 * The open alerts after a batch of changes, in arrival order per alert: the subscription sends
 * an alert again with each transition, so the later copy is the newer state.
 */
export function applyAlertChanges(
  current: ReadonlyMap<string, LiveAlert>,
  changes: Iterable<LiveAlert>,
): Map<string, LiveAlert> {
  const next = new Map(current);
  for (const alert of changes) {
    if (isOpen(alert.state)) next.set(alert.id, alert);
    else next.delete(alert.id);
  }
  return next;
}

/** The highest level among open alerts on the given datastreams, or undefined when none is open. */
export function highestLevel(
  alerts: Iterable<LiveAlert>,
  datastreamIds: ReadonlySet<string>,
): string | undefined {
  let highest: LiveAlert | undefined;
  for (const alert of alerts) {
    if (!datastreamIds.has(alert.datastream.id)) continue;
    if (!highest || levelRank(alert.level) > levelRank(highest.level)) highest = alert;
  }
  return highest?.level;
}

/**
 * Yellow, orange, red, as the levels are known; dark text reads on all three. One table for the
 * strip (CSS) and the map (WebGL, which cannot read CSS variables). A level a rule named itself
 * takes the lowest colour.
 */
export const ALERT_COLOURS: Record<KnownLevel, string> = {
  WASPADA: '#f5d142',
  SIAGA: '#f59342',
  AWAS: '#ff5c5c',
};

export function alertColour(level: string): string {
  return isKnownLevel(level) ? ALERT_COLOURS[level] : ALERT_COLOURS.WASPADA;
}

/** A known level in the current language; a level a rule named itself as it is written. */
export function levelName(i18n: I18n, level: string): string {
  return isKnownLevel(level) ? i18n.t(`alerts.level.${level}`) : level;
}
