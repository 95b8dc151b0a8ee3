// A pod's life as data, in the manner of kwok's stages (kubernetes-sigs/kwok
// kustomize/stage/pod/general): each stage names which pods it applies to, how long after the
// previous one it comes (at --speed 1), the status it writes and the kubelet's events it records.
// kubelet.ts interprets the table; what a started container does next (exit, back off, restart) is
// container-lifecycle.ts's unless a row here says otherwise; pod-faults.ts handles the pods a
// workload fault holds.
import type { KubeObject } from '../apimachinery/kube-object';
import { asJson, asList } from '../apimachinery/objects';
import { waitsForAttach } from '../streams/exec-attach';

/** Where a pod's containers are: `none` until the kubelet first writes their statuses. */
export type ContainerPhase = 'none' | 'waiting' | 'running' | 'terminated';

/** Which pods a stage applies to; every field given has to hold. */
export interface StageSelector {
  readonly from: ContainerPhase;
  /** The pod's restartPolicy is none of these (Kubernetes' default is Always). */
  readonly restartPolicyNotIn?: readonly string[];
  /** The kind of the pod's controlling owner (`Job`, `ReplicaSet`, …). */
  readonly ownerKind?: string;
  /** Some container's image matches (`*` matches any characters). */
  readonly image?: string;
  /** Some container's command and args, joined by spaces, match (`*` as for image). */
  readonly command?: string;
  /** Whether the pod waits for `kubectl attach`/`run -i` (then pods/attach ends it, not a stage). */
  readonly waitsForAttach?: boolean;
}

/** The status a stage writes: the pod's phase and every container's state. */
export interface StageStatus {
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly container: Exclude<ContainerPhase, 'none'>;
  /** Waiting or terminated reason (a pod with init containers waits in PodInitializing instead). */
  readonly reason?: string;
  readonly ready: boolean;
  readonly exitCode?: number;
}

/** The kubelet's events a stage records for each container. */
export type StageEvent = 'Pulling' | 'Pulled' | 'Created' | 'Started';

export interface PodStage {
  readonly name: string;
  readonly selector: StageSelector;
  /** After the previous stage, at --speed 1; multiplied by --speed (0: at once), with some jitter. */
  readonly delayMs: number;
  readonly status: StageStatus;
  readonly events: readonly StageEvent[];
}

/** About what pulling the book's images and starting their containers took on GKE. */
export const BASE_PULL_DELAY_MS = 3000;

/**
 * The stages, first match wins. A row for an image or a command (a start-up time, an exit code,
 * a container that fails) goes above the general row it refines.
 */
export const POD_STAGES: readonly PodStage[] = [
  {
    name: 'pod-create',
    selector: { from: 'none' },
    delayMs: 0,
    status: { phase: 'Pending', container: 'waiting', reason: 'ContainerCreating', ready: false },
    events: ['Pulling'],
  },
  {
    name: 'pod-ready',
    selector: { from: 'waiting' },
    delayMs: BASE_PULL_DELAY_MS,
    status: { phase: 'Running', container: 'running', ready: true },
    events: ['Pulled', 'Created', 'Started'],
  },
];

/** Where the pod's containers are, as its stored status says. */
export function containerPhaseOf(pod: KubeObject): ContainerPhase {
  const status = asJson(pod.status);
  if (!asList(status.containerStatuses).length) return 'none';
  if (status.phase === 'Running') return 'running';
  if (status.phase === 'Succeeded' || status.phase === 'Failed') return 'terminated';
  return 'waiting';
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

export function stageMatches(selector: StageSelector, pod: KubeObject): boolean {
  const spec = asJson(pod.spec);
  const containers = asList(spec.containers);
  if (containerPhaseOf(pod) !== selector.from) return false;
  if (selector.restartPolicyNotIn?.includes(String(spec.restartPolicy ?? 'Always'))) return false;
  if (
    selector.ownerKind !== undefined &&
    !(pod.metadata.ownerReferences ?? []).some((owner) => owner.controller && owner.kind === selector.ownerKind)
  )
    return false;
  if (
    selector.image !== undefined &&
    !containers.some((container) => wildcard(selector.image!).test(String(container.image)))
  )
    return false;
  const words = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
  const commandLine = (container: (typeof containers)[number]) =>
    [...words(container.command), ...words(container.args)].join(' ');
  if (
    selector.command !== undefined &&
    !containers.some((container) => wildcard(selector.command!).test(commandLine(container)))
  )
    return false;
  if (selector.waitsForAttach !== undefined && waitsForAttach(pod) !== selector.waitsForAttach) return false;
  return true;
}

/** The stage the pod goes to next, if any. */
export function nextStage(pod: KubeObject, stages: readonly PodStage[] = POD_STAGES): PodStage | undefined {
  return stages.find((stage) => stageMatches(stage.selector, pod));
}

/** A stage's delay at this --speed. */
export function stageDelayMs(stage: PodStage, speed: number): number {
  return stage.delayMs * speed;
}
