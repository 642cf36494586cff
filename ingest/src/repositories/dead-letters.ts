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

/** Stores a refused message with its raw bytes, so the operator can see exactly what arrived. */
export async function insertDeadLetter(db: SqlQueryable, letter: DeadLetter): Promise<void> {
  await db.query(
    `INSERT INTO dead_letter (topic, client_id, payload, reason, detail) VALUES ($1, $2, $3, $4, $5)`,
    [letter.topic, letter.clientId, Buffer.from(letter.payload), letter.reason, letter.detail],
  );
}
