import type { RejectionReason } from '@bisa/contract/payload.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';

export interface DeadLetter {
  topic: string;
  /**
   * The device id parsed from the topic when it is well-formed, else null. The MQTT client id of
   * the publisher is not carried through the broker to subscribers, so the topic is the only
   * source; the broker's ACL (`pattern write bisa/v1/%u/#`) makes it the authenticated user.
   */
  clientId: string | null;
  payload: Uint8Array;
  reason: RejectionReason;
  detail: string;
}

/** Stores refused messages with their raw bytes, so the operator can see exactly what arrived. */
export async function insertDeadLetters(db: SqlQueryable, letters: readonly DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await db.query(
    `INSERT INTO dead_letter (topic, client_id, payload, reason, detail)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[], $5::text[])`,
    [
      letters.map((l) => l.topic),
      letters.map((l) => l.clientId),
      letters.map((l) => Buffer.from(l.payload)),
      letters.map((l) => l.reason),
      letters.map((l) => l.detail),
    ],
  );
}
