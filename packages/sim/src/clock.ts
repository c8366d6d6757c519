// Simulator time. Scenarios schedule through the clock so that a ManualClock (tests) replays
// the same market data deterministically, and RealClock's `speed` can fast-forward a demo.

export interface TimerHandle {
  cancel(): void;
}

export interface SimClock {
  /** Simulated wall-clock time in ms since the Unix epoch. */
  now(): number;
  /** Run `fn` once after `ms` simulated milliseconds. */
  after(ms: number, fn: () => void): TimerHandle;
  /** Run `fn` every `ms` simulated milliseconds until cancelled. */
  every(ms: number, fn: () => void): TimerHandle;
  /** Cancel every timer created through this clock (close()). */
  cancelAll(): void;
}

/** Real time, optionally sped up: `speed` 2 runs scheduled events twice as fast. */
export class RealClock implements SimClock {
  private readonly t0 = Date.now();
  private readonly timers = new Set<NodeJS.Timeout>();
  constructor(private readonly speed = 1) {
    if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`);
  }
  now(): number {
    return this.speed === 1 ? Date.now() : Math.floor(this.t0 + (Date.now() - this.t0) * this.speed);
  }
  after(ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, Math.max(0, ms / this.speed));
    this.timers.add(t);
    return { cancel: () => { clearTimeout(t); this.timers.delete(t); } };
  }
  every(ms: number, fn: () => void): TimerHandle {
    const t = setInterval(fn, Math.max(1, ms / this.speed));
    this.timers.add(t);
    return { cancel: () => { clearInterval(t); this.timers.delete(t); } };
  }
  cancelAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

interface ManualTimer {
  at: number;
  seq: number;
  period: number;
  fn: () => void;
  live: boolean;
}

/** Time that moves only when a test calls advance(): fully deterministic. */
export class ManualClock implements SimClock {
  private t: number;
  private seq = 0;
  private timers: ManualTimer[] = [];
  constructor(startMs = Date.UTC(2026, 10, 25, 0, 0, 0)) {
    this.t = startMs;
  }
  now(): number {
    return this.t;
  }
  after(ms: number, fn: () => void): TimerHandle {
    return this.add(ms, 0, fn);
  }
  every(ms: number, fn: () => void): TimerHandle {
    if (!(ms > 0)) throw new RangeError(`interval must be > 0 ms, got ${ms}`);
    return this.add(ms, ms, fn);
  }
  cancelAll(): void {
    for (const t of this.timers) t.live = false;
    this.timers = [];
  }
  /** Move time forward, firing due timers in (time, creation) order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.timers) if (t.live && t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      this.t = next.at;
      if (next.period > 0) {
        next.at += next.period;
        next.seq = ++this.seq;
      } else {
        next.live = false;
      }
      next.fn();
      this.timers = this.timers.filter((t) => t.live);
    }
    this.t = end;
  }
  private add(ms: number, period: number, fn: () => void): TimerHandle {
    const timer: ManualTimer = { at: this.t + Math.max(0, ms), seq: ++this.seq, period, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => { timer.live = false; } };
  }
}
