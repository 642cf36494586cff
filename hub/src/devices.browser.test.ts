import { sampleDeviceSecret } from '@bisa/db/sample-data.ts';
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserHub, checkView, poll, SampleDevices } from './browser-testing.ts';
import type { Hub } from './hub.ts';
import { connectSampleDevice } from './testing.ts';

// The devices view (/devices) in headless Chromium on the embedded hub: a malformed payload a
// sample device publishes over MQTT shows up as a dead letter with its reason for an operator;
// the sample integrator sees only the river gauges it owns; a viewer is told the page is not
// for them. Each state passes axe and fits a 390 px phone.

let stage: BrowserHub;
let hub: Hub;
const devices = new SampleDevices(() => hub.addresses.mqtt);

const signedInPage = (email: string) => stage.signedInPage(email);

const cards = (page: Page) => page.locator('[data-testid^="device-"][data-status]');

beforeAll(async () => {
  stage = await BrowserHub.start();
  hub = stage.hub;
});

afterAll(async () => {
  await devices.close();
  await stage?.stop();
});

describe('devices view in Chromium', () => {
  it('shows an operator the dead letter of a malformed payload with its reason, live, in Indonesian then English', async () => {
    const page = await signedInPage('operator@contoh.bisa.id');
    await page.goto(`${hub.addresses.dashboard}devices`);
    await page.getByRole('heading', { name: 'Perangkat dan kesehatan data' }).waitFor();
    await poll(() => cards(page).count()).toBe(5);
    await page.getByRole('navigation').getByRole('link', { name: 'Perangkat' }).waitFor();

    const river = page.getByTestId('device-masamba-river-01');
    const baliase = page.getByTestId('device-baliase-river-01');
    await devices.publish('baliase-river-01', { water_level: 1.4, rainfall: 0 });
    // A time no one can place: refused with invalid_time and kept as a dead letter.
    await devices.publishPayload(
      'masamba-river-01',
      JSON.stringify({ time: 'kemarin sore', values: { water_level: 3.1 } }),
    );
    const letter = river.locator('[data-testid=dead-letter][data-reason=INVALID_TIME]');
    await poll(() => letter.count()).toBe(1);
    await letter.getByText('Waktu tidak valid').waitFor();
    // What was wrong is said in the view's language; ingest's English detail stays beside it.
    await letter.getByText('Waktu tidak bisa dibaca', { exact: false }).waitFor();
    await letter.getByTestId('ingest-detail').locator('[lang=en]').waitFor();
    await letter.getByText('kemarin sore', { exact: false }).first().waitFor();
    await river.getByTestId('device-last-error').getByText('Waktu tidak valid', { exact: false }).waitFor();
    await river.getByTestId('ingest-detail').getByText('invalid_time', { exact: false }).first().waitFor();
    await poll(() => river.getAttribute('data-status')).toBe('no-data');
    // The stored reading arrives over the view's subscription; one of two datastreams reported.
    await poll(() => baliase.getAttribute('data-status')).toBe('live');
    await baliase.getByTestId('datastream-water_level').getByText('1,4 m', { exact: false }).waitFor();
    await page.getByTestId('devices-summary').getByText('5 perangkat, 4 perlu perhatian').waitFor();
    await checkView(page, 'devices-operator-id');

    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: 'Devices and data health' }).waitFor();
    await letter.getByText('Invalid time').waitFor();
    await baliase.getByText('Up to date', { exact: true }).waitFor();
    await checkView(page, 'devices-operator-en');
  });

  it('shows the sample integrator only the devices it owns', async () => {
    const page = await signedInPage('integrator@contoh.bisa.id');
    await page.goto(`${hub.addresses.dashboard}devices`);
    await page.getByText('Perangkat milik Anda', { exact: false }).waitFor();
    await poll(() => cards(page).evaluateAll((items) => items.map((item) => item.dataset.testid))).toEqual([
      'device-baliase-river-01',
      'device-masamba-river-01',
    ]);
    // Its own gauge's refused message, with the owner named; nothing of the market sensor.
    await page.getByTestId('device-masamba-river-01').getByText('Integrator pos duga air (contoh)').waitFor();
    await poll(() =>
      page.getByTestId('device-masamba-river-01').locator('[data-reason=INVALID_TIME]').count(),
    ).toBe(1);
    expect(await page.getByTestId('device-masamba-market-aq-01').count()).toBe(0);
    await checkView(page, 'devices-integrator-id');
  });

  it('lets the integrator give its gauge a new secret, shown once and working at once, and disable the other', async () => {
    // The gauge to be disabled is connected and has said it is online (retained), as a live device has.
    const gauge = await connectSampleDevice(hub.addresses.mqtt, 'baliase-river-01');
    const gaugeClosed = new Promise<void>((resolve) => gauge.once('close', () => resolve()));
    await gauge.publishAsync('bisa/v1/baliase-river-01/status', 'online', { qos: 1, retain: true });
    const page = await signedInPage('integrator@contoh.bisa.id');
    await page.goto(`${hub.addresses.dashboard}devices`);
    const baliase = page.getByTestId('device-baliase-river-01');
    await poll(() => baliase.getByTestId('device-connection').textContent()).toContain('Daring sejak');
    const river = page.getByTestId('device-masamba-river-01');
    await river.getByRole('button', { name: 'Buat rahasia baru' }).click();
    const shown = river.getByTestId('device-new-secret').locator('code');
    await shown.waitFor();
    const secret = (await shown.textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[\w-]{24}$/);
    // The embedded broker checks the stored hash: the new secret connects, the sample one no longer.
    const connect = (password: string) =>
      mqtt.connectAsync(hub.addresses.mqtt, {
        username: 'masamba-river-01',
        password,
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
    await (await connect(secret)).endAsync(true);
    await expect(connect(sampleDeviceSecret('masamba-river-01'))).rejects.toThrow();
    await checkView(page, 'devices-integrator-new-secret');

    await baliase.getByRole('button', { name: 'Nonaktifkan' }).click();
    await baliase.getByText('Nonaktifkan baliase-river-01?', { exact: false }).waitFor();
    await baliase.getByRole('button', { name: 'Ya, nonaktifkan' }).click();
    await poll(() => baliase.getAttribute('data-status')).toBe('disabled');
    await baliase.getByText('hanya dapat diaktifkan kembali', { exact: false }).waitFor();
    await expect(connect(sampleDeviceSecret('baliase-river-01'))).rejects.toThrow();
    // Its retained status still says online; the view must not.
    await poll(() => baliase.getByTestId('device-connection').textContent()).toContain(
      'tidak ada: perangkat dinonaktifkan',
    );
    // The connection it had open is closed by the broker's next credential check.
    await gaugeClosed;
    await checkView(page, 'devices-integrator-disabled');
  });

  it('tells a viewer the page is not for them and hides its link', async () => {
    const page = await signedInPage('viewer@contoh.bisa.id');
    await page.goto(`${hub.addresses.dashboard}devices`);
    await page.getByTestId('devices-not-allowed').waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Perangkat' }).count()).toBe(0);
    expect(await cards(page).count()).toBe(0);
    await checkView(page, 'devices-viewer-id');
  });
});
