// The install timeline: when each object was created and when each pod was created, scheduled,
// started its containers and became ready (or completed), as observed while the install ran.
// Read afterwards, it shows in which order the control plane came up. Times are when the
// extension saw each change (milliseconds), not the API's second-granular timestamps.

export type TimelineEventKind =
  | 'object-created'
  | 'pod-created'
  | 'pod-scheduled'
  | 'containers-creating'
  | 'containers-started'
  | 'pod-ready'
  | 'pod-completed'
  | 'pod-failed';

export interface TimelineEvent {
  readonly at: number;
  readonly kind: TimelineEventKind;
  /** `deployment.apps/istio-pilot`, or a pod name. */
  readonly subject: string;
  /** The node a pod was scheduled on, the reason a pod failed. */
  readonly detail?: string;
}

/** The few pod fields the timeline reads (a subset of V1Pod). */
export interface PodLike {
  readonly metadata?: { readonly name?: string };
  readonly spec?: { readonly nodeName?: string };
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
    readonly containerStatuses?: readonly {
      readonly state?: {
        readonly running?: unknown;
        readonly waiting?: { readonly reason?: string };
        readonly terminated?: { readonly reason?: string };
      };
    }[];
  };
}

export interface InstallTimelineData {
  readonly version: string;
  readonly context: string;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly events: readonly TimelineEvent[];
}

const condition = (pod: PodLike, type: string) =>
  pod.status?.conditions?.some((c) => c.type === type && c.status === 'True') === true;

/** The milestones a pod has reached, in the order pods reach them. */
export function podMilestones(pod: PodLike): { kind: TimelineEventKind; detail?: string }[] {
  const milestones: { kind: TimelineEventKind; detail?: string }[] = [{ kind: 'pod-created' }];
  const statuses = pod.status?.containerStatuses ?? [];
  if (pod.spec?.nodeName || condition(pod, 'PodScheduled'))
    milestones.push({ kind: 'pod-scheduled', ...(pod.spec?.nodeName ? { detail: pod.spec.nodeName } : {}) });
  if (
    statuses.some(
      (status) =>
        status.state?.waiting?.reason === 'ContainerCreating' || status.state?.running || status.state?.terminated,
    )
  )
    milestones.push({ kind: 'containers-creating' });
  if (statuses.length > 0 && statuses.every((status) => status.state?.running || status.state?.terminated))
    milestones.push({ kind: 'containers-started' });
  if (condition(pod, 'Ready')) milestones.push({ kind: 'pod-ready' });
  if (pod.status?.phase === 'Succeeded') milestones.push({ kind: 'pod-completed' });
  if (pod.status?.phase === 'Failed')
    milestones.push({
      kind: 'pod-failed',
      detail: statuses.find((s) => s.state?.terminated)?.state?.terminated?.reason ?? 'Failed',
    });
  return milestones;
}

export class InstallTimeline {
  private readonly events: TimelineEvent[] = [];
  private readonly seen = new Set<string>();
  private finishedAt: number | undefined;

  constructor(
    readonly version: string,
    readonly context: string,
    readonly startedAt: number,
  ) {}

  objectCreated(name: string, at: number): void {
    this.add({ at, kind: 'object-created', subject: name });
  }

  /** Records the milestones a pod shows that were not seen before; returns how many were new. */
  podObserved(pod: PodLike, at: number): number {
    const name = pod.metadata?.name;
    if (!name) return 0;
    let added = 0;
    for (const milestone of podMilestones(pod)) {
      if (
        this.add({ at, kind: milestone.kind, subject: name, ...(milestone.detail ? { detail: milestone.detail } : {}) })
      )
        added++;
    }
    return added;
  }

  finish(at: number): void {
    this.finishedAt = at;
  }

  data(): InstallTimelineData {
    return {
      version: this.version,
      context: this.context,
      startedAt: this.startedAt,
      ...(this.finishedAt ? { finishedAt: this.finishedAt } : {}),
      events: [...this.events].sort((a, b) => a.at - b.at),
    };
  }

  private add(event: TimelineEvent): boolean {
    const key = `${event.kind}:${event.subject}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    this.events.push(event);
    return true;
  }
}

/**
 * Whether the install created anything to time. An install of what is already there ("0 created,
 * 153 unchanged") finds every pod ready at its first look, which is no measure of anything.
 */
export function hasTimings(data: InstallTimelineData): boolean {
  return data.events.some((event) => event.kind === 'object-created');
}

/** Per pod, the seconds from the install's start to each milestone: the table the learner reads. */
export function podRows(
  data: InstallTimelineData,
): { pod: string; node?: string; scheduled?: number; started?: number; ready?: number; completed?: number }[] {
  const rows = new Map<
    string,
    { pod: string; node?: string; scheduled?: number; started?: number; ready?: number; completed?: number }
  >();
  const seconds = (at: number) => Math.round((at - data.startedAt) / 100) / 10;
  for (const event of data.events) {
    if (event.kind === 'object-created') continue;
    const row = rows.get(event.subject) ?? { pod: event.subject };
    if (event.kind === 'pod-scheduled') Object.assign(row, { scheduled: seconds(event.at), node: event.detail });
    if (event.kind === 'containers-started') row.started = seconds(event.at);
    if (event.kind === 'pod-ready') row.ready = seconds(event.at);
    if (event.kind === 'pod-completed') row.completed = seconds(event.at);
    rows.set(event.subject, row);
  }
  return [...rows.values()].sort((a, b) => (a.ready ?? a.completed ?? Infinity) - (b.ready ?? b.completed ?? Infinity));
}

const isReadyOrDone = (pod: PodLike) => pod.status?.phase === 'Succeeded' || condition(pod, 'Ready');

/**
 * The control plane is ready when every pod of the namespace is Ready or Completed and, when the
 * manifest is known, there are at least as many as its Deployments and Jobs make.
 */
export function controlPlaneReady(
  pods: readonly PodLike[],
  expected?: { readonly deployments: number; readonly jobs: number },
): boolean {
  if (pods.length === 0 || !pods.every(isReadyOrDone)) return false;
  if (!expected) return true;
  const completed = pods.filter((pod) => pod.status?.phase === 'Succeeded').length;
  return completed >= expected.jobs && pods.length - completed >= expected.deployments;
}
