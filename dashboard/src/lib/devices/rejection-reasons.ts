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
