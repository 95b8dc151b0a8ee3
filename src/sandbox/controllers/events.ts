// Events as the components of a real cluster record them (client-go's tools/record): core/v1
// Events named `<object>.<unix nanoseconds in hex>`, in the object's namespace, with the source
// component (and node), and repeats of the same event folded into one with a growing `count`
// and `lastTimestamp`, as the EventCorrelator does. Messages follow the server version: the
// kubelet's changed wording in 1.15 (`pulling image` → `Pulling image "…"`, `Created container`
// → `Created container <name>`), and `Scaled up replica set … from N` arrived in 1.26.
// Sources: kubernetes/kubernetes pkg/kubelet/images/image_manager.go, pkg/kubelet/kuberuntime/
// kuberuntime_container.go, pkg/controller/{replicaset,deployment,job}, pkg/scheduler (release-1.13
// and master).
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient, Resource } from '../client/client';
import type { Json } from '../apimachinery/objects';
import { asJson } from '../apimachinery/objects';

const EVENTS: Resource = { group: '', version: 'v1', resource: 'events' };

export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

export type EventType = 'Normal' | 'Warning';

interface PendingEvent {
  readonly involved: KubeObject;
  readonly fieldPath?: string;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  readonly source: EventSource;
}

/** `v1.13.7` → 13. */
export function minorVersion(kubeVersion: string): number {
  const match = /^v?\d+\.(\d+)/.exec(kubeVersion);
  return match ? Number(match[1]) : 13;
}

/** What the kubelet and the controllers say, in the words of the server's release. */
export function eventMessages(kubeVersion: string) {
  const minor = minorVersion(kubeVersion);
  const modern = minor >= 15;
  return {
    scheduled: (pod: KubeObject, node: string) =>
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`,
    pulling: (image: string) => (modern ? `Pulling image "${image}"` : `pulling image "${image}"`),
    pulled: (image: string, seconds: number) =>
      minor >= 28
        ? `Successfully pulled image "${image}" in ${goDuration(seconds)} (${goDuration(seconds)} including waiting)`
        : minor >= 19
          ? `Successfully pulled image "${image}" in ${goDuration(seconds)}`
          : `Successfully pulled image "${image}"`,
    alreadyPresent: (image: string) => `Container image "${image}" already present on machine`,
    created: (container: string) => (modern ? `Created container ${container}` : 'Created container'),
    started: (container: string) => (modern ? `Started container ${container}` : 'Started container'),
    killing: (container: string) =>
      modern ? `Stopping container ${container}` : `Killing container with id docker://${container}:Need to kill Pod`,
    backOffRestart: (pod: KubeObject, container: string) =>
      minor >= 26
        ? `Back-off restarting failed container ${container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`
        : 'Back-off restarting failed container',
    failedPull: (image: string, error: string) => `Failed to pull image "${image}": ${error}`,
    backOffPull: (image: string) => `Back-off pulling image "${image}"`,
    scaledUp: (rs: string, to: number, from: number) =>
      minor >= 26 ? `Scaled up replica set ${rs} to ${to} from ${from}` : `Scaled up replica set ${rs} to ${to}`,
    scaledDown: (rs: string, to: number, from: number) =>
      minor >= 26 ? `Scaled down replica set ${rs} to ${to} from ${from}` : `Scaled down replica set ${rs} to ${to}`,
    /** Reporting controller and instance are filled by the legacy recorder only in newer releases. */
    fillsReporting: minor >= 19,
  };
}

export type EventMessages = ReturnType<typeof eventMessages>;

/** Go's time.Duration String() for a pull time: `1.234s`, `850ms`. */
function goDuration(seconds: number): string {
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))}ms`;
  return `${Number(seconds.toFixed(3))}s`;
}

function objectReference(object: KubeObject, fieldPath: string | undefined): Json {
  return {
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    uid: object.metadata.uid,
    apiVersion: object.apiVersion,
    resourceVersion: object.metadata.resourceVersion,
    ...(fieldPath ? { fieldPath } : {}),
  };
}

/** Aggregation keys remembered (oldest forgotten first), about the EventCorrelator's LRU cache size. */
const MAX_RECORDED = 4096;

/**
 * Collects what the controllers report during a pass and writes it at the end (`flush`), so an
 * event never lands in the middle of a write another listener is still seeing. Repeats within
 * the aggregation window update the earlier Event instead of adding one.
 */
export class EventRecorder {
  private readonly pending: PendingEvent[] = [];
  /** Aggregation key → the Event that stands for it. */
  private readonly recorded = new Map<string, { namespace: string; name: string }>();
  private lastNanos = 0n;

  constructor(
    private readonly client: ControllerClient,
    private readonly now: () => Date,
    private readonly fillsReporting: boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  record(
    involved: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    source: EventSource,
    fieldPath?: string,
  ): void {
    this.pending.push({ involved, type, reason, message, source, fieldPath });
  }

  flush(): void {
    for (const event of this.pending.splice(0)) {
      try {
        this.write(event);
      } catch (error) {
        // A namespace being deleted refuses new events, as on a real cluster; nothing to retry.
        this.onError(error);
      }
    }
  }

  /** A unique, increasing UnixNano for event names, as two events in one millisecond would get. */
  private nanos(time: Date): bigint {
    let nanos = BigInt(time.getTime()) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return nanos;
  }

  private write(event: PendingEvent): void {
    const time = this.now();
    const timestamp = time.toISOString().replace(/\.\d+Z$/, 'Z');
    const namespace = event.involved.metadata.namespace ?? 'default';
    const { metadata } = event.involved;
    const key = [
      event.source.component,
      event.source.host ?? '',
      event.involved.kind,
      namespace,
      metadata.name,
      metadata.uid,
      event.fieldPath ?? '',
      event.type,
      event.reason,
      event.message,
    ].join('\u0000');
    const known = this.recorded.get(key);
    const existing = known && this.client.get(EVENTS, known.namespace, known.name);
    if (existing) {
      this.client.update(EVENTS, {
        ...existing,
        count: Number(existing.count ?? 1) + 1,
        lastTimestamp: timestamp,
        involvedObject: { ...asJson(existing.involvedObject), resourceVersion: metadata.resourceVersion },
      });
      return;
    }
    const created = this.client.create(EVENTS, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${metadata.name}.${this.nanos(time).toString(16)}`, namespace },
      involvedObject: objectReference(event.involved, event.fieldPath),
      reason: event.reason,
      message: event.message,
      source: { component: event.source.component, ...(event.source.host ? { host: event.source.host } : {}) },
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
      type: event.type,
      eventTime: null,
      reportingComponent: this.fillsReporting ? event.source.component : '',
      reportingInstance: this.fillsReporting ? (event.source.host ?? '') : '',
    });
    this.recorded.set(key, { namespace, name: created.metadata.name! });
    if (this.recorded.size > MAX_RECORDED) this.recorded.delete(this.recorded.keys().next().value!);
  }
}
