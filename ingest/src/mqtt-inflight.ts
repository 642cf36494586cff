/**
 * The QoS 1 messages one connection has received and not yet acknowledged, in arrival order.
 * Commits complete in any order, but MQTT (3.1.1 and 5, section 4.6) requires PUBACKs in the
 * order the PUBLISHes arrived: a message committed early waits until every earlier one is
 * committed too, then all of them are released together.
 */
export class InflightWindow {
  /** Packet ids in arrival order; the entries before #head are already released. */
  #ids: number[] = [];
  #committed: boolean[] = [];
  #head = 0;
  /** Place (as returned by add) of #ids[0], so places stay valid when the arrays are compacted. */
  #base = 0;
  readonly #limit: number;

  /** `limit`: how many unacknowledged messages the connection takes in before it stops reading. */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1 || limit > 65535) {
      throw new Error(
        `the in-flight limit must be a whole number from 1 to 65535 (MQTT Receive Maximum), not ${limit}`,
      );
    }
    this.#limit = limit;
  }

  /** Records a PUBLISH as it arrives; returns its place, to pass to `commit`. */
  add(messageId: number): number {
    this.#ids.push(messageId);
    this.#committed.push(false);
    return this.#base + this.#ids.length - 1;
  }

  /**
   * Marks the message at `place` committed. Returns the packet ids that may now be acknowledged,
   * in arrival order: none while an earlier message is still uncommitted.
   */
  commit(place: number): number[] {
    const index = place - this.#base;
    if (index < this.#head || index >= this.#ids.length) {
      throw new Error(`message ${place} is not in flight on this connection`);
    }
    this.#committed[index] = true;
    const released: number[] = [];
    while (this.#head < this.#ids.length && this.#committed[this.#head]) {
      released.push(this.#ids[this.#head] ?? 0);
      this.#head += 1;
    }
    // Drop released entries now and then, so the arrays do not grow with the connection's age.
    if (this.#head > 1024 && this.#head * 2 > this.#ids.length) {
      this.#ids = this.#ids.slice(this.#head);
      this.#committed = this.#committed.slice(this.#head);
      this.#base += this.#head;
      this.#head = 0;
    }
    return released;
  }

  /** Messages received and not yet acknowledged (committed ones waiting behind an earlier one count). */
  get size(): number {
    return this.#ids.length - this.#head;
  }

  /**
   * The limit is reached: committed messages still waiting for an earlier one count, because
   * the broker counts every message it has not got a PUBACK for.
   */
  get full(): boolean {
    return this.size >= this.#limit;
  }
}
