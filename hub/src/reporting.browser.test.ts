import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserHub, checkView, poll } from './browser-testing.ts';
import type { Hub } from './hub.ts';

// OPD reporting end to end on the embedded hub: a BPBD reporter on a phone submits a value for
// a REPORTED KPI of BPBD's flood early-warning quick win, an administrator in another browser
// approves it, and the quick win's evaluation page and the wallboard follow without a reload; a
// rejection reaches the reporter with its reason.

const QUICK_WIN = 'Peringatan dini banjir Sungai Masamba dan Baliase';
const KPI = 'flood-villages-reached';

let stage: BrowserHub;
let hub: Hub;

/** A browser of its own (cookies included), signed in through the gateway as a sample account. */
const signedIn = (email: string, viewport: { width: number; height: number }): Promise<Page> =>
  stage.signedInPage(email, viewport);

beforeAll(async () => {
  stage = await BrowserHub.start();
  hub = stage.hub;
});

afterAll(() => stage?.stop());

describe('OPD reporting in Chromium', () => {
  it('an OPD report is submitted, approved and changes the evaluation', async () => {
    const phone = { width: 390, height: 844 };
    const desk = { width: 1280, height: 900 };
    const reporter = await signedIn('bpbd@contoh.bisa.id', phone);
    const admin = await signedIn('admin@contoh.bisa.id', desk);
    // A second reviewer whose live stream is cut: the queue cannot tell them in time, the gateway must.
    const lateAdmin = await signedIn('admin@contoh.bisa.id', desk);
    await lateAdmin.route('**/graphql', (route) =>
      /subscription/.test(route.request().postData() ?? '') ? route.abort() : route.fallback(),
    );
    const watching = await stage.newContext({ viewport: desk });
    const evaluation = await watching.newPage();

    // The evaluation page and the wallboard as they are before the report.
    await evaluation.goto(`${hub.addresses.dashboard}quick-wins`);
    await evaluation.getByTestId('quick-win-link-flood-early-warning').click();
    const kpiRow = evaluation.getByTestId(`kpi-${KPI}`);
    await kpiRow.locator('.actual').filter({ hasText: '12 desa' }).waitFor();
    const programmeProgress = evaluation.locator('[data-testid=quick-win-progress] [role=meter]').first();
    const progressBefore = Number(await programmeProgress.getAttribute('aria-valuenow'));
    const wallboard = await watching.newPage();
    await wallboard.goto(hub.addresses.dashboard);
    const wallboardMeter = wallboard
      .getByRole('article', { name: QUICK_WIN })
      .getByTestId('quick-win-progress')
      .getByRole('meter');
    await poll(() => wallboardMeter.getAttribute('aria-valuenow')).toBe(String(progressBefore));

    // The reporter finds the area from the navigation and sees BPBD's reported KPIs only.
    await reporter.goto(hub.addresses.dashboard);
    await reporter.getByRole('link', { name: 'Laporan OPD' }).click();
    const card = reporter.getByTestId(`report-kpi-${KPI}`);
    await card.getByTestId('latest-approved').filter({ hasText: '12 desa' }).waitFor();
    expect(await reporter.locator('[data-testid^=report-kpi-]').count()).toBe(1);
    // The sample data's earlier rejection shows its reviewer's reason.
    await reporter.getByTestId('my-reports').getByTestId('rejection-reason').first().waitFor();
    await card.getByText('Laporkan nilai').click();

    // A value that is not a number is refused before anything is sent, and the page says why.
    await card.getByLabel('Nilai (desa)').fill('dua puluh');
    await card.getByRole('button', { name: 'Kirim laporan' }).click();
    await card.getByText('Nilai harus berupa angka, misalnya 12 atau 12,5.').waitFor();
    expect(await card.getByLabel('Nilai (desa)').getAttribute('aria-invalid')).toBe('true');
    await checkView(reporter, 'reports-reporter-id');

    await card.getByLabel('Nilai (desa)').fill('24');
    await card.getByLabel('Tautan bukti (opsional)').fill('https://contoh.bisa.id/bukti/desa-peringatan.pdf');
    await card.getByLabel('Catatan').fill('Desa dalam grup peringatan per November');
    await card.getByRole('button', { name: 'Kirim laporan' }).click();
    await card.getByText('Laporan terkirim dan menunggu tinjauan.').waitFor();
    const mine = reporter
      .getByTestId('my-reports')
      .locator('[data-status=SUBMITTED]', { hasText: '24 desa' });
    await mine.waitFor();
    const reportTestId = await mine.getAttribute('data-testid');
    if (!reportTestId) throw new Error('the submitted report has no test id');
    const databaseId = reportTestId.replace('report-', '');

    // Both reviewers see it in their queue (the late one loaded after it was submitted).
    await admin.goto(`${hub.addresses.dashboard}reports`);
    const queued = admin.getByTestId('review-queue').getByTestId(reportTestId);
    await queued.waitFor();
    await lateAdmin.goto(`${hub.addresses.dashboard}reports`);
    const lateQueued = lateAdmin.getByTestId('review-queue').getByTestId(reportTestId);
    await lateQueued.waitFor();
    await checkView(admin, 'reports-reviewer-id');

    await queued.getByRole('button', { name: 'Setujui' }).click();
    // It leaves the queue, and the reporter sees the decision live.
    await queued.waitFor({ state: 'detached' });
    await reporter
      .getByTestId('my-reports')
      .locator(`[data-testid=${reportTestId}][data-status=APPROVED]`)
      .waitFor();
    await card.getByTestId('latest-approved').filter({ hasText: '24 desa' }).waitFor();

    // The evaluation and the wallboard follow without a reload: 12 → 24 of 36 villages.
    await kpiRow.locator('.actual').filter({ hasText: '24 desa' }).waitFor();
    await poll(async () => Number(await programmeProgress.getAttribute('aria-valuenow'))).toBeGreaterThan(
      progressBefore,
    );
    const progressAfter = await programmeProgress.getAttribute('aria-valuenow');
    await poll(() => wallboardMeter.getAttribute('aria-valuenow')).toBe(progressAfter);

    // The second reviewer, who could not be told, is refused by the gateway and told why.
    await lateQueued.getByRole('button', { name: 'Setujui' }).click();
    await lateAdmin
      .getByTestId('review-refusal')
      .filter({
        hasText: `Laporan Desa menerima peringatan (24 desa) tidak diputuskan. Hub menolak: Report "${databaseId}" was already approved`,
      })
      .waitFor();
    // ...and the queue, loaded again, no longer offers the decided report.
    await lateQueued.waitFor({ state: 'detached' });

    // A rejection needs a reason, and the reporter reads it.
    await card.getByLabel('Nilai (desa)').fill('30,5');
    await card.getByRole('button', { name: 'Kirim laporan' }).click();
    await card.getByText('Laporan terkirim dan menunggu tinjauan.').waitFor();
    const second = admin.getByTestId('review-queue').locator('article', { hasText: '30,5 desa' });
    await second.waitFor();
    await second.getByRole('button', { name: 'Tolak' }).click();
    await second.getByText('Tulis alasan penolakan agar pelapor tahu apa yang harus diperbaiki.').waitFor();
    await second
      .getByLabel('Alasan penolakan (wajib untuk menolak)')
      .fill('Lampirkan daftar desa sebagai bukti');
    await second.getByRole('button', { name: 'Tolak' }).click();
    await second.waitFor({ state: 'detached' });
    const rejected = reporter
      .getByTestId('my-reports')
      .locator('[data-status=REJECTED]', { hasText: '30,5 desa' });
    await rejected.getByText('Alasan penolakan: Lampirkan daftar desa sebagai bukti').waitFor();
    // A rejected value does not count.
    await card.getByTestId('latest-approved').filter({ hasText: '24 desa' }).waitFor();

    // The same report in English, found by its id: the number now reads 30.5.
    const rejectedId = await rejected.getAttribute('data-testid');
    if (!rejectedId) throw new Error('the rejected report has no test id');
    await reporter.getByTestId('language-switch').click();
    await reporter
      .getByTestId(rejectedId)
      .getByText('Reason for rejection: Lampirkan daftar desa sebagai bukti')
      .waitFor();
    await checkView(reporter, 'reports-reporter-en');
    // Four browsers and a dozen steps on a shared 2-core machine.
  }, 240_000);

  it('offers the area only to those who may report or review', async () => {
    const viewer = await signedIn('viewer@contoh.bisa.id', { width: 390, height: 844 });
    await viewer.goto(hub.addresses.dashboard);
    await viewer.getByRole('link', { name: 'Papan pantau' }).waitFor();
    expect(await viewer.getByRole('link', { name: 'Laporan OPD' }).count()).toBe(0);
    await viewer.goto(`${hub.addresses.dashboard}reports`);
    await viewer.getByText('Peran Anda tidak dapat melapor atau meninjau capaian.').waitFor();

    const anonymous = await stage.newPage({});
    await anonymous.goto(`${hub.addresses.dashboard}reports`);
    await anonymous.getByTestId('reports-sign-in').waitFor();
    await checkView(anonymous, 'reports-signed-out');
  });
});
