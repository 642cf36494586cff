import { SAMPLE_PROGRAMMES } from '@bisa/db/sample-data.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserHub, checkView, poll } from './browser-testing.ts';
import type { Hub } from './hub.ts';

// The programme explorer (/programmes) in headless Chromium on the embedded hub, signed out
// (it is for everyone): filters by dimension and partner, a search in Indonesian and in English,
// the collaboration table following the filters, the filters kept in a link that is opened
// again, both languages; each state passes axe and fits a 390 px phone.

let stage: BrowserHub;
let hub: Hub;
let page: Page;

const shown = () =>
  page
    .locator('[data-testid^="explorer-programme-"]')
    .evaluateAll((items) =>
      items.map((item) => item.getAttribute('data-testid')?.replace('explorer-programme-', '')),
    );
const partnerRows = () =>
  page
    .locator('[data-testid^="collaboration-"]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')?.replace('collaboration-', '')));
const query = () => Object.fromEntries(new URL(page.url()).searchParams);

beforeAll(async () => {
  stage = await BrowserHub.start();
  hub = stage.hub;
  page = await stage.newPage();
});

afterAll(() => stage?.stop());

describe('programme explorer in Chromium', () => {
  it('filters by dimension and partner, keeps the filters in the URL, and shows who collaborates where', async () => {
    await page.goto(`${hub.addresses.dashboard}programmes`);
    await page.getByRole('heading', { name: 'Jelajah program dan mitra' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Jelajah program' }).waitFor();
    const total = SAMPLE_PROGRAMMES.length;
    await page.getByTestId('explorer-count').getByText(`${total} dari ${total} program`).waitFor();
    expect(await partnerRows()).toHaveLength(7);
    await checkView(page, 'explorer-all-id');

    await page.getByLabel('Dimensi').selectOption('society');
    await poll(shown).toEqual(['emergency-call-112', 'flood-early-warning', 'online-civil-documents']);
    expect(query()).toEqual({ dimension: 'society' });
    // The collaboration view follows the filter: only partners of the society quick wins.
    await poll(partnerRows).toEqual(['relawan-siaga-banjir', 'telkom', 'universitas-andi-djemma']);
    const telkom = page.getByTestId('collaboration-telkom');
    await telkom.getByRole('link', { name: 'Layanan panggilan darurat 112' }).waitFor();
    await telkom.getByText('Penyedia jalur 112').waitFor();
    expect(await telkom.getByText('Wi-Fi publik').count()).toBe(0);

    await page.getByLabel('Mitra', { exact: true }).selectOption('telkom');
    await poll(shown).toEqual(['emergency-call-112']);
    expect(query()).toEqual({ dimension: 'society', partner: 'telkom' });

    // A shared link opens the same selection.
    await page.goto(page.url());
    await poll(shown).toEqual(['emergency-call-112']);
    expect(await page.getByLabel('Dimensi').inputValue()).toBe('society');
    expect(await page.getByLabel('Mitra', { exact: true }).inputValue()).toBe('telkom');

    await page.getByRole('link', { name: 'Hapus filter' }).click();
    await poll(() => page.getByTestId('explorer-count').textContent()).toContain(`${total} dari ${total}`);
    expect(query()).toEqual({});
    await page.getByLabel('Mitra', { exact: true }).selectOption('telkom');
    await poll(shown).toEqual(['public-wifi', 'emergency-call-112']);
    await poll(partnerRows).toEqual(['telkom']);
    await telkom.getByText('Penyedia jaringan').waitFor();
    await telkom.getByText('BUMN/BUMD').waitFor();
    await checkView(page, 'explorer-partner-id');

    await page.getByLabel('Jenis mitra').selectOption('BANK');
    await poll(shown).toEqual([]);
    await page.getByText('Tidak ada program yang cocok dengan filter ini.').waitFor();
    expect(query()).toEqual({ partner: 'telkom', kind: 'BANK' });

    // The back button undoes the last filter: the URL is the filters' one source.
    await page.goBack();
    await poll(shown).toEqual(['public-wifi', 'emergency-call-112']);
    expect(await page.getByLabel('Jenis mitra').inputValue()).toBe('');

    await page.getByRole('link', { name: 'Hapus filter' }).click();
    await poll(query).toEqual({});
    await page.getByLabel('OPD pelaksana').selectOption('dlh');
    await poll(shown).toEqual(['market-air-quality', 'river-cleanup-community', 'waste-collection']);
    expect(query()).toEqual({ owner: 'dlh' });
  });

  it('searches in Indonesian and in English regardless of the language shown, and switches language', async () => {
    await page.goto(`${hub.addresses.dashboard}programmes`);
    const search = page.getByRole('searchbox');
    await search.fill('SAMPAH');
    await search.press('Enter');
    await poll(shown).toEqual(['waste-collection']);
    expect(query()).toEqual({ q: 'SAMPAH' });

    await search.fill('queue');
    await page.getByRole('button', { name: 'Cari' }).click();
    await poll(shown).toEqual(['service-mall-queue']);
    expect(query()).toEqual({ q: 'queue' });
    await page.getByRole('link', { name: 'Antrean daring Mal Pelayanan Publik' }).waitFor();

    // An agency acronym and a partner's name are searched too.
    await search.fill('bpbd');
    await search.press('Enter');
    await poll(shown).toEqual(['flood-early-warning']);
    await search.fill('andi djemma');
    await search.press('Enter');
    await poll(shown).toEqual(['one-data-portal', 'flood-early-warning']);
    await poll(partnerRows).toEqual(['relawan-siaga-banjir', 'universitas-andi-djemma']);
    await checkView(page, 'explorer-search-id');

    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: 'Programmes and partners' }).waitFor();
    await page
      .getByRole('link', { name: 'Flood early warning on the Masamba and Baliase rivers' })
      .first()
      .waitFor();
    await page.getByText('Calibration and threshold study').waitFor();
    await page
      .getByRole('table', { name: 'Partners and the programmes they take part in, with their role' })
      .waitFor();
    await search.fill('peringatan');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(shown).toEqual(['flood-early-warning']);
    await checkView(page, 'explorer-search-en');

    // A result opens the quick win's own page.
    await page.getByTestId('explorer-programme-flood-early-warning').getByRole('link').click();
    await poll(() => new URL(page.url()).pathname).toMatch(/^\/quick-wins\/.+/);
  });
});
