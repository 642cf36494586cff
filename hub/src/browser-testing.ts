import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dictionaries, type Locale } from '@bisa/dashboard/i18n/dictionaries.ts';
import { sampleUserPassword } from '@bisa/db/sample-data.ts';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { expect } from 'vitest';
import { Hub } from './hub.ts';
import { connectSampleDevice, embeddedTestConfig } from './testing.ts';

// What every browser test of the dashboard needs: Chromium launched the same way, axe, the
// phone-width check, screenshots in one folder and sample devices that publish over MQTT.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Where screenshots go; CI keeps this folder as the test artifacts. */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/**
 * Headless Chromium; SwiftShader is its software WebGL, so MapLibre draws without a GPU.
 * `extraArgs` are added to the flags, e.g. a remote-debugging port for Lighthouse in bench/.
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** The desk viewport most views are checked at. */
export const DESK_VIEWPORT = { width: 1280, height: 900 };

/**
 * What a browser test stands on: the embedded hub (in memory, no simulator, logging nothing) and
 * one Chromium. Each page opens in a browser context of its own (its own cookies, so its own
 * session); `stop` closes them, then the browser, then the hub.
 */
export class BrowserHub {
  readonly hub: Hub;
  readonly browser: Browser;
  readonly #contexts: BrowserContext[] = [];

  private constructor(hub: Hub, browser: Browser) {
    this.hub = hub;
    this.browser = browser;
  }

  static async start(): Promise<BrowserHub> {
    const hub = new Hub(embeddedTestConfig(), pino({ level: 'silent' }));
    await hub.start();
    try {
      return new BrowserHub(hub, await launchChromium());
    } catch (error) {
      await hub.stop();
      throw error;
    }
  }

  /** A browser context of its own, closed by `stop`. */
  async newContext(options: BrowserContextOptions = { viewport: DESK_VIEWPORT }): Promise<BrowserContext> {
    const context = await this.browser.newContext(options);
    this.#contexts.push(context);
    return context;
  }

  /** A page in a browser context of its own, closed by `stop`. */
  async newPage(options?: BrowserContextOptions): Promise<Page> {
    return (await this.newContext(options)).newPage();
  }

  /** A page whose browser context is signed in as this sample account (the session cookie). */
  async signedInPage(email: string, viewport = DESK_VIEWPORT): Promise<Page> {
    const page = await this.newPage({ viewport });
    await this.signIn(page, email);
    return page;
  }

  /** Signs the page's browser context in through the API, as the dashboard does (setup, not what a test is about). */
  async signIn(page: Page, email: string): Promise<void> {
    const response = await page.request.post(this.hub.addresses.graphql, {
      data: {
        query:
          'mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { id } }',
        variables: { email, password: sampleUserPassword(email) },
      },
    });
    expect(await response.json()).toMatchObject({ data: { signIn: { id: expect.any(String) } } });
  }

  async stop(): Promise<void> {
    try {
      for (const context of this.#contexts) await context.close();
      await this.browser.close();
    } finally {
      await this.hub.stop();
    }
  }
}

/** Waits for a value in the page; loading views on the embedded hub takes seconds, not one. */
export const poll = <T>(value: () => Promise<T> | T, timeout = 20_000) => expect.poll(value, { timeout });

/** Serious and critical WCAG 2.1 A/AA violations on the page as it is now, with where they are. */
export async function axeViolations(target: Page): Promise<string[]> {
  await target.addScriptTag({ path: AXE });
  return target.evaluate(async () => {
    type AxeResult = { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResult> } }
    ).axe;
    const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      );
  });
}

/** How many CSS pixels the page is wider than a 390 px phone screen (0 when it fits). */
export async function phoneOverflow(target: Page): Promise<number> {
  const size = target.viewportSize();
  await target.setViewportSize({ width: 390, height: 844 });
  const overflow = await target.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (size) await target.setViewportSize(size);
  return overflow;
}

/**
 * Dictionary texts that are the same in both languages (names, and words Indonesian uses as
 * they are): seeing one of them in the other language is no missed translation.
 */
const SAME_IN_BOTH = new Set([
  'BISA Hub',
  'Bank',
  'Media',
  'Baseline',
  'Target',
  'Output',
  'Outcome',
  'Quick win',
  'Status',
  'KPI',
  'Operator',
  'Administrator',
  'Integrator',
]);
for (const text of SAME_IN_BOTH)
  if (
    !Object.keys(dictionaries.id).some(
      (key) =>
        dictionaries.id[key as keyof typeof dictionaries.id] === text &&
        dictionaries.en[key as keyof typeof dictionaries.en] === text,
    )
  )
    throw new Error(`"${text}" is not a text both dictionaries share; only those may stay untranslated`);

/**
 * Each dictionary text of `locale` as a whole-text pattern (placeholders match anything), but
 * not those also said so in the other language, nor templates without a word of their own.
 */
function dictionaryPatterns(locale: Locale): RegExp[] {
  const other = locale === 'id' ? dictionaries.en : dictionaries.id;
  const theirs = new Set(Object.values(other));
  return Object.values(dictionaries[locale])
    .filter((text) => !SAME_IN_BOTH.has(text) && !theirs.has(text))
    .filter((text) => /\p{L}{2}/u.test(text.replace(/\{\w+\}/g, '')))
    .map((text) => {
      const parts = text.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      return new RegExp(`^${parts.join('.+?')}$`, 's');
    });
}
const PATTERNS = { id: dictionaryPatterns('id'), en: dictionaryPatterns('en') };

/**
 * Every text a person meets on the page as it is now: the title, each rendered text node, and
 * the accessible names and hints (aria-label, title, placeholder, alt) of rendered elements.
 * Hidden parts (a wall panel not shown) are left out; visually hidden text for screen readers
 * is kept, except SvelteKit's route announcer: it holds the title a screen reader was told on
 * the last navigation, in the language of that moment, and is not read again.
 */
async function visibleTexts(target: Page): Promise<string[]> {
  return target.evaluate(() => {
    const texts = new Set<string>([document.title]);
    const add = (text: string | null | undefined) => {
      const clean = text?.replace(/\s+/g, ' ').trim();
      if (clean) texts.add(clean);
    };
    const shown = (element: Element) => element.checkVisibility({ visibilityProperty: true });
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent && !parent.closest('script, style, #svelte-announcer') && shown(parent))
        add(node.textContent);
    }
    for (const element of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]'))
      if (shown(element))
        for (const name of ['aria-label', 'title', 'placeholder', 'alt']) add(element.getAttribute(name));
    return [...texts];
  });
}

/**
 * The visible texts that are, whole or in one of their " · "-separated parts, a dictionary
 * text of the language not shown: a text the language switch left behind.
 */
export async function textsOfTheOtherLanguage(target: Page): Promise<string[]> {
  const shown = await target.locator('html').getAttribute('lang');
  const other: Locale = shown === 'en' ? 'id' : 'en';
  return (await visibleTexts(target)).filter((text) =>
    [text, ...text.split(/ [·—–→] |: /)].some((part) =>
      PATTERNS[other].some((pattern) => pattern.test(part.trim())),
    ),
  );
}

/**
 * A view passes the quality bar: no serious axe violation, fits a phone, no text of the other
 * language's dictionary left on screen; its screenshot is kept.
 */
export async function checkView(target: Page, name: string): Promise<void> {
  expect(await axeViolations(target), `${name}: axe`).toEqual([]);
  expect(await textsOfTheOtherLanguage(target), `${name}: texts of the other language`).toEqual([]);
  expect(await phoneOverflow(target), `${name}: overflow at 390 px`).toBeLessThanOrEqual(0);
  // A full-page shot paints the sticky header where the page is scrolled to: from the top it
  // stays above the content instead of across it.
  await target.evaluate(() => window.scrollTo(0, 0));
  await target.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Sample devices connected on first use, each with its public sample secret, as real devices do. */
export class SampleDevices {
  readonly #clients = new Map<string, MqttClient>();
  readonly #mqttUrl: () => string;

  /** `mqttUrl` is read on first publish: the hub's port is known only once it has started. */
  constructor(mqttUrl: () => string) {
    this.#mqttUrl = mqttUrl;
  }

  async publish(deviceId: string, values: Record<string, number>, time = new Date()): Promise<void> {
    await this.publishPayload(deviceId, JSON.stringify({ time: time.toISOString(), values }));
  }

  /** Publishes these exact bytes on the device's readings topic, e.g. a malformed payload. */
  async publishPayload(deviceId: string, payload: string): Promise<void> {
    let client = this.#clients.get(deviceId);
    if (!client) {
      client = await connectSampleDevice(this.#mqttUrl(), deviceId);
      this.#clients.set(deviceId, client);
    }
    await client.publishAsync(`bisa/v1/${deviceId}/readings`, payload, { qos: 1 });
  }

  async close(): Promise<void> {
    for (const client of this.#clients.values()) await client.endAsync(true);
    this.#clients.clear();
  }
}
