// The kubelet's clock: the time, and when a pod's current step is due (the kubelet and its fault
// handling both read it).
export interface KubeletClock {
  now(): Date;
  /** When a pod's current step is due (ms since epoch), `delayMs` after it is first asked, with some jitter unless `jitter` is false; schedules a pass at that time. */
  dueAt(uid: string, step: string, delayMs: number, jitter?: boolean): number;
}
