import type { ClientInit } from '@sveltejs/kit/hooks';
import { warmFormats } from '#lib/format.ts';
import { I18n } from '#lib/i18n/i18n.svelte.ts';

// Runs once when the app starts, before the router loads the view's code: the formatters are
// built in tasks of their own while that code and the view's data are on the network, not in
// the render of the first data (see warmFormats).
export const init: ClientInit = () => {
  const i18n = new I18n(window.localStorage);
  i18n.restore();
  warmFormats(i18n.locale);
};
