import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from './hub.ts';
import { connectSampleDevice, embeddedTestConfig } from './testing.ts';

// The dashboard in a real headless Chromium on top of the real embedded hub: a reading
// published over MQTT must reach the tile through ingest, the database and the subscription.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

let hub: Hub;
let context: BrowserContext;
let page: Page;
let device: MqttClient;

beforeAll(async () => {
  hub = new Hub(embeddedTestConfig(), pino({ level: 'silent' }));
  await hub.start();
  device = await connectSampleDevice(hub.addresses.mqtt);
  const profile = path.join(ARTIFACTS, '.chromium-profile');
  await mkdir(profile, { recursive: true });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await device?.endAsync(true);
  await hub?.stop();
});

describe('dashboard in Chromium', () => {
  it('shows a reading published over MQTT on its live tile, in Indonesian then English', async () => {
    await page.goto(hub.addresses.dashboard);
    const tile = page.getByTestId('tile-masamba-river-01-water_level');
    await tile.waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('id');

    await device.publishAsync(
      'bisa/v1/masamba-river-01/readings',
      JSON.stringify({ time: new Date().toISOString(), values: { water_level: 4.56 } }),
      { qos: 1 },
    );
    // Indonesian formats decimals with a comma.
    await tile.getByTestId('tile-value').filter({ hasText: '4,56' }).waitFor();
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
