// Test helper: what a test sent, and an audit of what the database holds against it.
import { MAX_PAYLOAD_BYTES, type RejectionReason } from '@bisa/contract/payload.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';

/** What was sent: every reading of every valid message, and every malformed message with the reason it must get. */
export class Ledger {
  /** `${device}/${metric}@${epoch ms}` -> value. */
  readonly readings = new Map<string, number>();
  /** `${topic} ${payload as hex}` -> expected reason. */
  readonly malformed = new Map<string, RejectionReason>();

  addReading(device: string, metric: string, time: Date, value: number): void {
    const key = readingKey(device, metric, time);
    if (this.readings.has(key)) throw new Error(`the test sends ${key} twice with different content`);
    this.readings.set(key, value);
  }

  addMalformed(topic: string, payload: Uint8Array | string, reason: RejectionReason): void {
    const key = letterKey(topic, payload);
    const known = this.malformed.get(key);
    if (known !== undefined && known !== reason) throw new Error(`${key} expected as ${known} and ${reason}`);
    this.malformed.set(key, reason);
  }
}

export interface Audit {
  readingsExpected: number;
  /** Readings sent in valid messages and not stored. */
  readingsLost: number;
  /** Readings stored more than once for one datastream and time. */
  readingsDuplicated: number;
  /** Stored readings of these devices that were never sent, or with another value. */
  readingsUnexpected: number;
  deadLettersExpected: number;
  /** Malformed messages with no dead letter. */
  deadLettersMissing: number;
  /** Dead letters for messages that were not malformed (or not sent at all). */
  deadLettersUnexpected: number;
  /** Dead letters with another reason than the one the contract gives; the first few, for the failure message. */
  wrongReasons: string[];
  /**
   * Extra dead-letter rows for a message already dead-lettered: a device sending a malformed
   * message twice, or a redelivery after a crash between commit and acknowledgement. Dead
   * letters record arrivals, so this is not a loss or an error; reported for information.
   */
  deadLetterRepeats: number;
}

/** The audit a test expects when nothing was lost, duplicated or misfiled. */
export function perfectAudit(ledger: Ledger): Omit<Audit, 'deadLetterRepeats'> {
  return {
    readingsExpected: ledger.readings.size,
    readingsLost: 0,
    readingsDuplicated: 0,
    readingsUnexpected: 0,
    deadLettersExpected: ledger.malformed.size,
    deadLettersMissing: 0,
    deadLettersUnexpected: 0,
    wrongReasons: [],
  };
}

/**
 * Compares the database with the ledger: the readings of `devices` and every dead letter whose
 * topic starts with `topicPrefix` (a fresh database per test, so these are the test's own).
 */
export async function auditDatabase(
  db: SqlQueryable,
  ledger: Ledger,
  scope: { devices: readonly string[]; deadLetterTopicPrefix?: string },
): Promise<Audit> {
  const { rows: stored } = await db.query<{ thing_id: string; key: string; time: Date; value: number }>(
    `SELECT d.thing_id, d.key, r.time, r.value FROM reading r JOIN datastream d ON d.id = r.datastream_id
     WHERE d.thing_id = ANY($1::text[])`,
    [scope.devices],
  );
  const seen = new Map<string, number>();
  let readingsUnexpected = 0;
  for (const row of stored) {
    const key = readingKey(row.thing_id, row.key, row.time);
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (ledger.readings.get(key) !== row.value) readingsUnexpected += 1;
  }
  const readingsLost = [...ledger.readings.keys()].filter((k) => !seen.has(k)).length;
  const readingsDuplicated = [...seen.values()].reduce((n, count) => n + count - 1, 0);

  const { rows: letters } = await db.query<{ topic: string; payload: Uint8Array; reason: string }>(
    `SELECT topic, payload, reason FROM dead_letter WHERE starts_with(topic, $1)`,
    [scope.deadLetterTopicPrefix ?? ''],
  );
  const lettered = new Map<string, number>();
  let deadLettersUnexpected = 0;
  const wrongReasons: string[] = [];
  for (const row of letters) {
    const key = letterKey(row.topic, row.payload);
    lettered.set(key, (lettered.get(key) ?? 0) + 1);
    const expected = ledger.malformed.get(key);
    if (expected === undefined) deadLettersUnexpected += 1;
    else if (expected !== row.reason && wrongReasons.length < 10) {
      wrongReasons.push(`${key.slice(0, 120)}: got ${row.reason}, expected ${expected}`);
    }
  }
  return {
    readingsExpected: ledger.readings.size,
    readingsLost,
    readingsDuplicated,
    readingsUnexpected,
    deadLettersExpected: ledger.malformed.size,
    deadLettersMissing: [...ledger.malformed.keys()].filter((k) => !lettered.has(k)).length,
    deadLettersUnexpected,
    wrongReasons,
    deadLetterRepeats: [...lettered.values()].reduce((n, count) => n + count - 1, 0),
  };
}

function readingKey(device: string, metric: string, time: Date): string {
  return `${device}/${metric}@${time.getTime()}`;
}

/** A dead letter keeps an oversize payload cut to the contract's limit, so the key does too. */
function letterKey(topic: string, payload: Uint8Array | string): string {
  return `${topic} ${Buffer.from(payload).subarray(0, MAX_PAYLOAD_BYTES).toString('hex')}`;
}
