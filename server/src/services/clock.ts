/**
 * The clock every time-dependent rule reads. Live deployments run on wall time; a replay of
 * a past campaign runs a virtual clock that starts at a given instant and moves `rate` times
 * faster, so countdowns, "today" and pace behave as they did then.
 */
export class Clock {
  private constructor(
    private readonly origin: number,
    private readonly realOrigin: number,
    readonly rate: number,
    private readonly end: number,
  ) {}

  static wall(): Clock {
    return new Clock(0, 0, 1, Infinity);
  }

  /** Starts at `start`, runs `rate` times faster than real time and stops at `end`. */
  static virtual(start: number, rate: number, end = Infinity): Clock {
    return new Clock(start, Date.now(), rate, end);
  }

  now(): number {
    if (this.rate === 1 && this.origin === 0) return Date.now();
    return Math.min(this.end, this.origin + (Date.now() - this.realOrigin) * this.rate);
  }

  /** Real milliseconds until the clock shows `instant`. */
  realDelayUntil(instant: number): number {
    return Math.max(0, (instant - this.now()) / this.rate);
  }
}
