// One timer for the controllers that act at a time rather than on a change (a Job's
// activeDeadlineSeconds, a CronJob's next schedule): it keeps the earliest time asked for, runs
// the controller manager's pass then, never holds the process open, and stops on close.
/** setTimeout's longest delay; a later time wakes early, and the pass asks again. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class WakeTimer {
  private timer: NodeJS.Timeout | undefined;
  private dueMs = Infinity;
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly wake: () => void,
  ) {}

  /** Asks for a pass at `atMs` (epoch ms); a later request than one pending changes nothing. */
  at(atMs: number): void {
    if (this.closed || atMs >= this.dueMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueMs = atMs;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.dueMs = Infinity;
        this.wake();
      },
      Math.min(MAX_DELAY_MS, Math.max(0, atMs - this.now())),
    );
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
