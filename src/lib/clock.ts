/** The time source of the service; tests pass one they can move to check expiry without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move. */
export function createManualClock(start = new Date()): Clock & { advance(seconds: number): void; set(date: Date): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (seconds) => {
      current += seconds * 1000;
    },
    set: (date) => {
      current = date.getTime();
    },
  };
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

/** Seconds from `now` until `date` (negative once it has passed): a cookie's Max-Age. */
export const secondsUntil = (date: Date, now: Date) => (date.getTime() - now.getTime()) / 1000;
