import path from 'node:path';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, poll } from './browser-testing.ts';
import { Hub } from './hub.ts';
import { connectSampleDevice, embeddedTestConfig } from './testing.ts';

// The dashboard in a real headless Chromium on top of the real embedded hub: a reading
// published over MQTT must reach the tile through ingest, the database and the subscription.

let hub: Hub;
let browser: Browser;
let page: Page;
let device: MqttClient;

beforeAll(async () => {
  hub = new Hub(embeddedTestConfig(), pino({ level: 'silent' }));
  await hub.start();
  device = await connectSampleDevice(hub.addresses.mqtt);
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await device?.endAsync(true);
  await hub?.stop();
});

describe('dashboard in Chromium', () => {
  it('shows a reading published over MQTT on its live tile, in Indonesian then English', async () => {
    await page.goto(hub.addresses.dashboard);
    const tile = page.getByTestId('tile-masamba-river-01-water_level');
    await tile.waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('id');
    await page.locator('.connection[data-status="live"]').waitFor();
    // What the tile's value goes through from here: its highlight, and how many animations run.
    await page.evaluate(() => {
      const value = document.querySelector(
        '[data-testid="tile-masamba-river-01-water_level"] [data-testid="tile-value"]',
      );
      const seen: { highlighted: boolean; animations: number }[] = [];
      (window as unknown as { highlights: typeof seen }).highlights = seen;
      if (value)
        new MutationObserver(() =>
          seen.push({
            highlighted: value.classList.contains('updated'),
            animations: document.getAnimations().length,
          }),
        ).observe(value, { attributes: true, attributeFilter: ['class'] });
    });

    await device.publishAsync(
      'bisa/v1/masamba-river-01/readings',
      JSON.stringify({ time: new Date().toISOString(), values: { water_level: 4.56 } }),
      { qos: 1 },
    );
    // Indonesian formats decimals with a comma.
    await tile.getByTestId('tile-value').filter({ hasText: '4,56' }).waitFor();
    // The new value is highlighted, then plain again, and nothing on the page animates meanwhile:
    // an animation redraws the page at every frame while it runs, which with software rendering
    // (a wall without a GPU) kept the browser drawing without pause at 1,000 readings/s.
    await poll(() =>
      page.evaluate(() => (window as unknown as { highlights: unknown[] }).highlights),
    ).toEqual([
      { highlighted: true, animations: 0 },
      { highlighted: false, animations: 0 },
    ]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-id.png'), fullPage: true });
    // Every quick win shows its evaluation progress, graded by the gateway.
    const progress = page.getByTestId('quick-win-progress');
    expect(await progress.count()).toBeGreaterThanOrEqual(14);
    expect(await progress.first().getAttribute('data-status')).toMatch(
      /^(NOT_STARTED|ON_TRACK|AT_RISK|OFF_TRACK|NO_DATA)$/,
    );
    await progress.first().getByText('Capaian evaluasi').waitFor();

    await page.getByTestId('language-switch').click();
    await tile.getByTestId('tile-value').filter({ hasText: '4.56' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await progress.first().getByText('Evaluation progress').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-en.png'), fullPage: true });
  });
});
