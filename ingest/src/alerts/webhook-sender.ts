import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type ClaimedNotification,
  claimDueNotifications,
  markNotificationDelivered,
  markNotificationFailed,
} from '@bisa/db/alerts.ts';
import type { Database } from '@bisa/db/database.ts';
import { ALERT_EVENTS_CHANNEL } from '@bisa/db/notifications.ts';
import type { Logger } from 'pino';
import type { Clock } from './evaluator.ts';
import { rerunOnWake } from './rerun-on-wake.ts';

export interface RetryPolicy {
  /** Wait before the second attempt; doubled after each failure. */
  baseMs: number;
  /** The longest wait between two attempts. */
  maxMs: number;
  /** Attempts before the notification is marked DEAD. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 10_000, maxMs: 3_600_000, maxAttempts: 12 };

/** The wait after the `attempts`-th failed attempt: base, 2 × base, 4 × base..., at most maxMs. */
export function backoffMs(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
}

export const SIGNATURE_HEADER = 'x-bisa-signature';

/**
 * The signature header's value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
 * webhook's secret. The time inside the signed text lets a receiver refuse replays of old bodies.
 */
export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does with the header: recompute the HMAC over "<t>.<body>" and compare in
 * constant time, refusing bodies signed more than `toleranceSeconds` from `nowSeconds` (replays).
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match?.[1] || !match[2]) return false;
  const t = Number(match[1]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signBody(secret, body, t).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

export interface WebhookSenderDeps {
  database: Database;
  logger: Logger;
  clock?: Clock;
  retry?: RetryPolicy;
  /** A request taking longer counts as failed (default 10000 ms). */
  timeoutMs?: number;
  /** Polling behind the alert-event notification, for retries coming due (default 1000 ms). */
  pollMs?: number;
  /** A claimed notification not finished within this is tried again (default 60000 ms). */
  leaseMs?: number;
}

export interface WebhookSender {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends every notification due at the clock's time; resolves with how many were attempted. */
  deliverDue(): Promise<number>;
}

/**
 * Sends the outbox's notifications to their webhooks: one signed POST each, retried with
 * exponential backoff, and marked DEAD with the last error after the last attempt. Delivery is
 * at least once: a receiver should ignore an X-Bisa-Delivery id it has already seen.
 */
export function createWebhookSender(deps: WebhookSenderDeps): WebhookSender {
  const { database } = deps;
  const log = deps.logger.child({ component: 'webhooks' });
  const clock = deps.clock ?? Date.now;
  const retry = deps.retry ?? DEFAULT_RETRY;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const leaseMs = deps.leaseMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  const deliveryRuns = rerunOnWake(deliverDue, (error) =>
    log.error({ err: error }, 'webhook delivery round failed; retrying on the next poll'),
  );
  const wake = () => deliveryRuns.wake();

  async function send(n: ClaimedNotification): Promise<void> {
    const body = JSON.stringify(n.payload);
    const now = clock();
    let failure: string | undefined;
    try {
      const response = await fetch(n.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'bisa-hub-alerts/1',
          'x-bisa-delivery': n.id,
          'x-bisa-event': n.payload.type,
          [SIGNATURE_HEADER]: signBody(n.secret, body, Math.floor(now / 1000)),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The body is not needed, but must be consumed so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) failure = `HTTP ${response.status} ${response.statusText}`.trim();
    } catch (error) {
      failure = (error as Error).message;
    }
    if (failure === undefined) {
      await markNotificationDelivered(database.sql, n.id, new Date(clock()));
      log.info({ deliveryId: n.id, url: n.url, attempts: n.attempts }, 'webhook delivered');
      return;
    }
    const dead = n.attempts >= retry.maxAttempts;
    const retryAt = dead ? undefined : new Date(clock() + backoffMs(retry, n.attempts));
    await markNotificationFailed(database.sql, n.id, failure, retryAt);
    log[dead ? 'error' : 'warn'](
      { deliveryId: n.id, url: n.url, attempts: n.attempts, error: failure, retryAt },
      dead ? 'webhook undeliverable: marked DEAD' : 'webhook failed; will retry',
    );
  }

  async function deliverDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await claimDueNotifications(database.sql, new Date(clock()), leaseMs, 20);
      await Promise.all(claimed.map(send));
      total += claimed.length;
      if (claimed.length < 20) return total;
    }
  }

  return {
    deliverDue,
    async start() {
      deliveryRuns.start();
      unlisten = await database.sql.listen(ALERT_EVENTS_CHANNEL, wake);
      timer = setInterval(wake, deps.pollMs ?? 1000);
      wake();
    },
    async stop() {
      const runEnded = deliveryRuns.stop();
      clearInterval(timer);
      timer = undefined;
      await unlisten?.();
      unlisten = undefined;
      await runEnded;
    },
  };
}
