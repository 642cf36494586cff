import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { connectSampleDevice } from './testing.ts';

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

/** A view passes the quality bar: no serious axe violation, fits a phone; its screenshot is kept. */
export async function checkView(target: Page, name: string): Promise<void> {
  expect(await axeViolations(target), `${name}: axe`).toEqual([]);
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
