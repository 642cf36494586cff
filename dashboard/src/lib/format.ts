import type { Locale } from '#lib/i18n/dictionaries.ts';

// en-GB rather than en-US: 24-hour clock and day-month order, as used in Indonesian control rooms.
const INTL_LOCALE: Record<Locale, string> = { id: 'id-ID', en: 'en-GB' };

// Formatters are costly to build and a wallboard formats on every reading: one per locale.
const numberFormats = new Map<Locale, Intl.NumberFormat>();
const percentFormats = new Map<Locale, Intl.NumberFormat>();
const timeFormats = new Map<Locale, Intl.DateTimeFormat>();
const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();

function cached<T>(cache: Map<Locale, T>, locale: Locale, create: (tag: string) => T): T {
  let format = cache.get(locale);
  if (!format) {
    format = create(INTL_LOCALE[locale]);
    cache.set(locale, format);
  }
  return format;
}

const numberFormat = (locale: Locale) =>
  cached(numberFormats, locale, (tag) => new Intl.NumberFormat(tag, { maximumFractionDigits: 2 }));

const percentFormat = (locale: Locale) =>
  cached(
    percentFormats,
    locale,
    (tag) => new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 }),
  );

const timeFormat = (locale: Locale) =>
  cached(
    timeFormats,
    locale,
    (tag) =>
      new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }),
  );

const dateTimeFormat = (locale: Locale) =>
  cached(
    dateTimeFormats,
    locale,
    (tag) =>
      new Intl.DateTimeFormat(tag, {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hour12: false,
      }),
  );

/**
 * Builds the formatters of `locale` ahead of their first use, one in each task `schedule` runs.
 * The first Intl formatter of a page loads the browser's locale data (20-45 ms of main thread on
 * this project's 2-core machine, more with the CPU slowed as on a phone); built inside the
 * render of a view's first data, it made that render one long task. Started when the app
 * starts, the builds run while the view's code and data are still on the network.
 */
export function warmFormats(
  locale: Locale,
  schedule: (build: () => void) => void = (build) => setTimeout(build, 0),
): void {
  const builds = [numberFormat, timeFormat, dateTimeFormat, percentFormat];
  const next = () => {
    builds.shift()?.(locale);
    if (builds.length > 0) schedule(next);
  };
  schedule(next);
}

/** A reading's value as people read it in that language: 4,56 in Indonesian, 4.56 in English. */
export function formatNumber(value: number, locale: Locale): string {
  return numberFormat(locale).format(value);
}

/** A share as a whole percentage in that language (0.425 is "43%"). */
export function formatPercent(share: number, locale: Locale): string {
  return percentFormat(locale).format(share);
}

/**
 * When a reading was observed, in the viewer's time zone: the time alone when it is from today,
 * with the date otherwise, so an old value never passes for a fresh one.
 */
export function formatObservedAt(time: Date, locale: Locale, now: Date = new Date()): string {
  const sameDay =
    time.getFullYear() === now.getFullYear() &&
    time.getMonth() === now.getMonth() &&
    time.getDate() === now.getDate();
  return sameDay ? formatTime(time, locale) : formatDateTime(time, locale);
}

export function formatTime(time: Date, locale: Locale): string {
  return timeFormat(locale).format(time);
}

export function formatDateTime(time: Date, locale: Locale): string {
  return dateTimeFormat(locale).format(time);
}

const axisFormats = new Map<string, Intl.DateTimeFormat>();

/** A chart's time tick: hours and minutes for ranges within a day, the date for longer ones. */
export function formatAxisTime(time: Date, locale: Locale, withDate: boolean): string {
  const key = `${locale}-${withDate}`;
  let format = axisFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(
      INTL_LOCALE[locale],
      withDate ? { day: 'numeric', month: 'short' } : { hour: '2-digit', minute: '2-digit', hour12: false },
    );
    axisFormats.set(key, format);
  }
  return format.format(time);
}
