const HOUR_MS = 3_600_000;

/** Bytes set aside for one upload of one account in one clock hour. */
export interface Reservation {
  readonly account: string;
  readonly hour: number;
  readonly granted: number;
}

/**
 * Bytes each account may upload per clock hour, on top of the per-request rate limit: a school cannot fill the disk
 * with a loop of 50 MB uploads. Bytes are reserved before a file is read (so concurrent uploads cannot overspend)
 * and what the file did not use is given back. Kept in memory: a restart forgives the hour.
 */
export class UploadBudget {
  readonly #perHour: number;
  readonly #now: () => number;
  #hour = -1;
  readonly #spent = new Map<string, number>();

  constructor(perHour: number, now: () => number = Date.now) {
    this.#perHour = perHour;
    this.#now = now;
  }

  /** Reserves up to `wanted` bytes of `account`'s hour; `granted` is 0 when the hour's budget is spent. */
  reserve(account: string, wanted: number): Reservation {
    this.#turnHour();
    const spent = this.#spent.get(account) ?? 0;
    const granted = Math.max(0, Math.min(wanted, this.#perHour - spent));
    if (granted > 0) this.#spent.set(account, spent + granted);
    return { account, hour: this.#hour, granted };
  }

  /** Gives back the reserved bytes that were not uploaded; a reservation of an hour gone by has nothing to give. */
  refund(reservation: Reservation, unused: number): void {
    const spent = this.#spent.get(reservation.account);
    if (reservation.hour !== this.#hour || spent === undefined) return;
    this.#spent.set(reservation.account, Math.max(0, spent - unused));
  }

  /** Seconds until the next hour's budget. */
  secondsToNextHour(): number {
    return Math.ceil((HOUR_MS - (this.#now() % HOUR_MS)) / 1000);
  }

  #turnHour(): void {
    const hour = Math.floor(this.#now() / HOUR_MS);
    if (hour === this.#hour) return;
    this.#hour = hour;
    this.#spent.clear();
  }
}
