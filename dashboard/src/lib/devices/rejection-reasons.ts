import type { I18n } from '#lib/i18n/i18n.svelte.ts';

/** The gateway's RejectionReason values (docs/mqtt.md, "Rejections"). */
export const REJECTION_REASONS = [
  'INVALID_TOPIC',
  'PAYLOAD_TOO_LARGE',
  'INVALID_UTF8',
  'INVALID_JSON',
  'INVALID_SHAPE',
  'AMBIGUOUS_FIELD',
  'INVALID_TIME',
  'TIME_OUTSIDE_WINDOW',
  'INVALID_VALUE',
  'BATCH_TOO_LARGE',
  'INVALID_STATUS',
  'UNKNOWN_DEVICE',
  'DEVICE_DISABLED',
  'UNKNOWN_METRIC',
] as const;

type KnownReason = (typeof REJECTION_REASONS)[number];

function isKnownReason(reason: string): reason is KnownReason {
  return (REJECTION_REASONS as readonly string[]).includes(reason);
}

/** A refusal reason in the current language; one added to the gateway later as it is written. */
export function reasonName(i18n: I18n, reason: string): string {
  return isKnownReason(reason) ? i18n.t(`devices.reason.${reason}`) : reason;
}

/**
 * What was wrong and what to send instead, in the current language; undefined for a reason added
 * to the gateway later. Ingest's own detail is English and carries the specifics (which field,
 * which value), so it is shown beside this, not replaced.
 */
export function reasonHelp(i18n: I18n, reason: string): string | undefined {
  return isKnownReason(reason) ? i18n.t(`devices.reasonHelp.${reason}`) : undefined;
}

/**
 * A device's last error as ingest writes it, "reason: detail" with the reason in lower case,
 * split so the reason can be named in the current language; null when it is not of that form.
 */
export function lastErrorParts(lastError: string): { reason: string; detail: string } | null {
  const match = /^([a-z0-9_]+): (.*)$/s.exec(lastError);
  if (!match?.[1] || match[2] === undefined) return null;
  const reason = match[1].toUpperCase();
  return isKnownReason(reason) ? { reason, detail: match[2] } : null;
}
