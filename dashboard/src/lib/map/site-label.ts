import { levelName } from '#lib/alerts/open-alerts.ts';
import type { I18n } from '#lib/i18n/i18n.svelte.ts';
import type { SiteFeatureProperties } from './map-style.ts';

/** A site's label on either map: its name, its open alert and a stale badge. */
export function siteLabel(
  i18n: I18n,
  site: Pick<SiteFeatureProperties, 'name' | 'alert' | 'status'>,
): string {
  return [
    site.name,
    site.alert ? i18n.t('site.alert', { level: levelName(i18n, site.alert) }) : '',
    site.status === 'stale' ? i18n.t('site.status.stale') : '',
  ]
    .filter(Boolean)
    .join(' · ');
}
