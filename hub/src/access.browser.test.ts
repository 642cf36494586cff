import { SAMPLE_KIOSK, SAMPLE_USERS, sampleUserPassword } from '@bisa/db/sample-data.ts';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserHub, checkView, poll, SampleDevices } from './browser-testing.ts';
import type { Hub } from './hub.ts';

// Who may do what in the dashboard, in a real Chromium on the embedded hub: signing in (and a
// wrong password, an unreachable gateway), each sample role's alert actions, the wall screen on
// its read-only kiosk key, and an operator acknowledging from the wall an alert raised over MQTT.

let stage: BrowserHub;
let hub: Hub;
const devices = new SampleDevices(() => hub.addresses.mqtt);
const OPERATOR = 'operator@contoh.bisa.id';
const OPERATOR_NAME = 'Operator ruang kendali (contoh)';
/** How the gateway records who acted: name and e-mail. */
const OPERATOR_ACTOR = `${OPERATOR_NAME} <${OPERATOR}>`;
const ALERT_RULE = 'Tinggi muka air sungai (contoh)';
const GAUGE = 'Pos duga air Sungai Baliase';

const newPage = () => stage.newPage();
const signInThroughApi = (page: Page, email: string) => stage.signIn(page, email);

/** The open sample threshold alert of the Baliase gauge on this page's strip. */
function baliaseAlert(page: Page): Locator {
  return page.getByTestId('alert-strip').locator('li', { hasText: ALERT_RULE }).filter({ hasText: GAUGE });
}

/** Waits until the dashboard knows who it is talking to ('kiosk', 'anonymous' or 'user:…'). */
async function identityOf(page: Page): Promise<string | null> {
  return page.getByTestId('session-menu').first().getAttribute('data-identity');
}

async function globalIdOf(alert: Locator): Promise<string> {
  const testId = await alert.getAttribute('data-testid');
  if (!testId) throw new Error('the alert has no test id');
  return testId.replace(/^alert-/, '');
}

beforeAll(async () => {
  stage = await BrowserHub.start();
  hub = stage.hub;
  // The sample threshold rule waits 60 s before it opens; tuned as the flood drill does (rules
  // are data), so the first reading above SIAGA opens the alert.
  await hub.database.sql.query(
    `UPDATE alert_rule SET pending_seconds = 0 WHERE is_sample AND kind = 'THRESHOLD'`,
  );
});

afterAll(async () => {
  await devices.close();
  await stage?.stop();
});

describe('access in Chromium', () => {
  describe('the sign-in view', () => {
    let page: Page;
    const error = () => page.getByTestId('sign-in-error');

    beforeAll(async () => {
      page = await newPage();
    });

    it('is reached from the header and tells a wrong password and an unreachable gateway apart', async () => {
      await page.goto(`${hub.addresses.dashboard}map`);
      await page.getByTestId('sign-in-link').click();
      await page.waitForURL(/\/login\?next=%2Fmap$/);
      await page.getByLabel('Surel').waitFor();
      await checkView(page, 'sign-in-id');

      await page.getByLabel('Surel').fill(OPERATOR);
      await page.getByLabel('Kata sandi').fill('not-the-password');
      await page.getByTestId('sign-in-submit').click();
      await poll(() => error().getAttribute('data-reason')).toBe('wrong-credentials');
      await error().getByText('Surel atau kata sandi salah.').waitFor();
      expect(await page.getByLabel('Kata sandi').getAttribute('aria-invalid')).toBe('true');
      await checkView(page, 'sign-in-wrong-password-id');
      await page.getByTestId('language-switch').click();
      await error().getByText('Wrong e-mail or password.').waitFor();
      await checkView(page, 'sign-in-wrong-password-en');
      await page.getByTestId('language-switch').click();

      // The gateway out of reach: the request fails before any answer.
      await page.route('**/graphql**', (route) => route.abort('connectionrefused'));
      await page.getByLabel('Kata sandi').fill(sampleUserPassword(OPERATOR));
      await page.getByTestId('sign-in-submit').click();
      await poll(() => error().getAttribute('data-reason')).toBe('unavailable');
      await error().getByText('Gateway tidak dapat dihubungi').waitFor();
      await page.unroute('**/graphql**');
    });

    it('signs in, returns to the page it came from, shows who is signed in, and signs out', async () => {
      await page.getByTestId('sign-in-submit').click();
      await page.waitForURL(/\/map$/);
      const user = page.getByTestId('signed-in-user');
      await user.getByText(OPERATOR_NAME).waitFor();
      await user.getByText('Operator', { exact: true }).waitFor();

      // Signed in across a reload (the gateway's HttpOnly cookie), signed out on request.
      await page.reload();
      await user.getByText(OPERATOR_NAME).waitFor();
      await page.getByTestId('sign-out').click();
      await page.getByTestId('sign-in-link').waitFor();
      await page.reload();
      await poll(() => identityOf(page)).toBe('anonymous');
    });
  });

  describe('alert actions by role', () => {
    beforeAll(async () => {
      await devices.publish('baliase-river-01', { water_level: 3.2, rainfall: 1 });
    });

    it('shows a visitor who is not signed in the alert without actions', async () => {
      const page = await newPage();
      await page.goto(hub.addresses.dashboard);
      await poll(() => baliaseAlert(page).getAttribute('data-state')).toBe('OPEN');
      await poll(() => identityOf(page)).toBe('anonymous');
      expect(await baliaseAlert(page).getByTestId('alert-actions').count()).toBe(0);
    });

    // The gateway's scopes: only operators and administrators may acknowledge and close.
    it.each(
      SAMPLE_USERS.map(
        (account) => [account.email, account.role === 'OPERATOR' || account.role === 'ADMIN'] as const,
      ),
    )('signed in as %s, offers acknowledge and close: %s', async (email, offered) => {
      const account = SAMPLE_USERS.find((candidate) => candidate.email === email);
      const page = await newPage();
      await signInThroughApi(page, email);
      await page.goto(hub.addresses.dashboard);
      await poll(() => identityOf(page)).toMatch(/^user:/);
      await page
        .getByTestId('signed-in-user')
        .getByText(account?.name ?? email)
        .waitFor();
      const alert = baliaseAlert(page);
      await poll(() => alert.getAttribute('data-state')).toBe('OPEN');
      expect(await alert.getByTestId('acknowledge').count()).toBe(offered ? 1 : 0);
      expect(await alert.getByTestId('close').count()).toBe(offered ? 1 : 0);
      if (account?.role === 'ADMIN') await checkView(page, 'alerts-actions-admin-id');
      await page.context().close();
    });
  });

  describe('the wall screen', () => {
    // One wall, as in the control room: kiosk mode, an operator signs in and acts, sign-out.
    let page: Page;
    let alert: Locator;
    let alertId: string;
    const authorizations: string[] = [];
    const kioskMode = () => page.getByTestId('kiosk-mode');

    beforeAll(async () => {
      page = await newPage();
      page.on('request', (request) => {
        if (request.url().startsWith(hub.addresses.graphql))
          authorizations.push(request.headers().authorization ?? '');
      });
      alert = baliaseAlert(page);
    });

    it('runs on the read-only kiosk key from the URL fragment, without alert actions', async () => {
      await page.goto(`${hub.addresses.dashboard}wall#kiosk=${SAMPLE_KIOSK.key}`);
      await kioskMode().getByText(SAMPLE_KIOSK.name).waitFor();
      // The key left the address bar (and, being a fragment, never reached the server).
      await poll(() => page.url()).toBe(`${hub.addresses.dashboard}wall`);
      expect(authorizations).toContain(`Bearer ${SAMPLE_KIOSK.key}`);
      await poll(() => alert.getAttribute('data-state')).toBe('OPEN');
      expect(await alert.getByTestId('alert-actions').count()).toBe(0);
      await checkView(page, 'wall-kiosk-id');

      // Read-only for real: the gateway refuses the kiosk key's acknowledgement.
      alertId = await globalIdOf(alert);
      const refusal = await page.request.post(hub.addresses.graphql, {
        headers: { authorization: `Bearer ${SAMPLE_KIOSK.key}` },
        data: {
          query: 'mutation ($id: ID!) { acknowledgeAlert(id: $id) { id } }',
          variables: { id: alertId },
        },
      });
      expect(await refusal.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    });

    it('lets an operator sign in there and acknowledge with a note, shown with who acknowledged', async () => {
      await page.getByTestId('sign-in-link').click();
      await page.waitForURL(/\/login\?next=%2Fwall$/);
      await page.getByLabel('Surel').fill(OPERATOR);
      await page.getByLabel('Kata sandi').fill(sampleUserPassword(OPERATOR));
      await page.getByTestId('sign-in-submit').click();
      await page.waitForURL(/\/wall$/);
      await page.getByTestId('signed-in-user').getByText(OPERATOR_NAME).waitFor();
      const signedInFrom = authorizations.length;

      await alert.getByTestId('acknowledge').click();
      await alert.getByLabel('Catatan (opsional)').fill('Tim BPBD menuju Jembatan Baliase');
      await checkView(page, 'wall-acknowledge-id');
      await alert.getByTestId('confirm').click();
      await poll(() => alert.getAttribute('data-state')).toBe('ACKNOWLEDGED');
      await alert.getByText(`Ditangani oleh ${OPERATOR_ACTOR}`).waitFor();
      // Only close is left to do on an acknowledged alert.
      expect(await alert.getByTestId('acknowledge').count()).toBe(0);
      expect(await alert.getByTestId('close').count()).toBe(1);
      // While the operator was signed in, the kiosk key stayed home: the cookie alone spoke.
      expect(authorizations.slice(signedInFrom).filter((value) => value !== '')).toEqual([]);

      const stored = await page.request.post(hub.addresses.graphql, {
        data: {
          query:
            'query ($id: ID!) { node(id: $id) { ... on Alert { state acknowledgedBy acknowledgementNote } } }',
          variables: { id: alertId },
        },
      });
      expect(await stored.json()).toEqual({
        data: {
          node: {
            state: 'ACKNOWLEDGED',
            acknowledgedBy: OPERATOR_ACTOR,
            acknowledgementNote: 'Tim BPBD menuju Jembatan Baliase',
          },
        },
      });
    });

    it('returns to kiosk mode on sign-out, read-only, still showing who acknowledged', async () => {
      await page.getByTestId('sign-out').click();
      await kioskMode().getByText(SAMPLE_KIOSK.name).waitFor();
      await poll(() => identityOf(page)).toBe('kiosk');
      await alert.getByText(`Ditangani oleh ${OPERATOR_ACTOR}`).waitFor();
      expect(await alert.getByTestId('alert-actions').count()).toBe(0);
      await checkView(page, 'wall-kiosk-acknowledged-id');
    });
  });

  it('signs a person out of the wall after the idle time, back to kiosk mode', async () => {
    const page = await newPage();
    await page.goto(`${hub.addresses.dashboard}wall#kiosk=${SAMPLE_KIOSK.key}`);
    await poll(() => identityOf(page)).toBe('kiosk');
    await signInThroughApi(page, OPERATOR);
    // Six seconds without a touch or a key.
    await page.goto(`${hub.addresses.dashboard}wall?idle=0.1`);
    await poll(() => identityOf(page)).toMatch(/^user:/);
    await page.getByTestId('idle-notice').getByText('0,1 menit').waitFor();
    await poll(() => identityOf(page)).toBe('kiosk');
    const viewer = await page.request.post(hub.addresses.graphql, { data: { query: '{ viewer { id } }' } });
    expect(await viewer.json()).toEqual({ data: { viewer: null } });
  });

  it('hides who acted once signed out, and lets an administrator close an alert, which leaves the strip', async () => {
    const admin = 'admin@contoh.bisa.id';
    const page = await newPage();
    await signInThroughApi(page, admin);
    await page.goto(hub.addresses.dashboard);
    const alert = baliaseAlert(page);
    await alert.getByText(`Ditangani oleh ${OPERATOR_ACTOR}`).waitFor();
    // Signing out reopens the alert stream as the anonymous visitor, who is not told names.
    await page.getByTestId('sign-out').click();
    await poll(() => identityOf(page)).toBe('anonymous');
    await alert.getByText('Ditangani', { exact: true }).waitFor();
    expect(await alert.getByText(OPERATOR_ACTOR).count()).toBe(0);

    await signInThroughApi(page, admin);
    await page.reload();
    await alert.getByTestId('close').click();
    await alert.getByTestId('confirm').click();
    await poll(() => alert.count()).toBe(0);
  });
});
