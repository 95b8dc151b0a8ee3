// The pod tree as data: cluster → role group → component (workload) → pod, with stable ids, built
// from the watch store's pods; and the diff between two builds, so the view refreshes only the
// nodes that changed (no full rebuild, no flicker). src/ui/pods-tree.ts only renders it.
import type { PodStoreState, PodSummary } from '../kube/pod-summary';
import { humanDuration } from '../shared/kubectl-time';
import type { PodHealth, PodProblem } from './pod-diagnosis';
import { diagnosePod, podHealth } from './pod-diagnosis';
import type { ComponentId, RoleGroup } from './roles/components';
import { COMPONENTS, ROLE_GROUPS } from './roles/components';
import { istioVersions } from './roles/istio-version';
import type { PodRole } from './roles/role-classifier';
import { classifyPod } from './roles/role-classifier';

export interface ClusterInfo {
  readonly context: string;
  readonly server: string;
  /** `/version`'s gitVersion, once known. */
  readonly serverVersion?: string;
  /** The built-in sandbox cluster (context `istio-lab-sandbox`). */
  readonly simulated: boolean;
}

export interface PodTreeInput {
  readonly cluster: ClusterInfo;
  readonly pods: readonly PodSummary[];
  readonly state: PodStoreState;
  readonly istioNamespace: string;
  /** Text filter: pods whose name, namespace, workload, component, READY (`2/2`) or STATUS contain it. */
  readonly filter?: string;
  readonly now: number;
}

export interface ReadyCount {
  readonly ready: number;
  readonly total: number;
}

interface NodeBase {
  readonly id: string;
  readonly parent?: string;
  readonly children: readonly string[];
}

export interface ClusterNode extends NodeBase {
  readonly kind: 'cluster';
  readonly cluster: ClusterInfo;
  readonly istioVersions: readonly string[];
}

export interface GroupNode extends NodeBase {
  readonly kind: 'group';
  readonly group: RoleGroup;
  readonly pods: number;
  readonly namespaces: number;
  readonly health: ReadyCount;
  readonly completed: number;
  /** Components of the group that are single points of failure (the demo profile runs one replica of each). */
  readonly singleReplicas: number;
}

export interface ComponentNode extends NodeBase {
  readonly kind: 'component';
  readonly group: RoleGroup;
  readonly component: ComponentId;
  readonly namespace: string;
  readonly workload: string;
  readonly revision?: string;
  /** Ready pods / pods that should run (Completed and terminating pods aside). */
  readonly replicas: ReadyCount;
  readonly completed: number;
  /** A control-plane component with one replica: if that pod goes, the component is gone. */
  readonly isSinglePointOfFailure: boolean;
  /** One of its pods is in trouble (see pod-diagnosis). */
  readonly hasFailingPod: boolean;
}

export interface PodNode extends NodeBase {
  readonly kind: 'pod';
  readonly pod: PodSummary;
  readonly role: PodRole;
  readonly health: PodHealth;
  readonly problems: readonly PodProblem[];
}

export type MessageCode = 'connecting' | 'reconnecting' | 'failed' | 'noMatch';

export interface MessageNode extends NodeBase {
  readonly kind: 'message';
  readonly code: MessageCode;
  readonly error?: Error;
  readonly attempt?: number;
  readonly retryInMs?: number;
}

export type PodTreeNode = ClusterNode | GroupNode | ComponentNode | PodNode | MessageNode;

export interface PodTree {
  readonly roots: readonly string[];
  readonly nodes: ReadonlyMap<string, PodTreeNode>;
}

/** A pod row's columns, as `kubectl get pods` prints them: READY, STATUS, RESTARTS, AGE. */
export interface PodRow {
  readonly ready: string;
  readonly status: string;
  readonly restarts: number;
  readonly age: string;
}

export function podRow(pod: PodSummary, now: number): PodRow {
  return {
    ready: `${pod.readyContainers}/${pod.totalContainers}`,
    status: pod.status,
    restarts: pod.restarts,
    age: pod.createdAt ? humanDuration(now - pod.createdAt) : '<unknown>',
  };
}

/** Pods that should be running: not finished, not going away. */
export const isLive = (pod: PodSummary): boolean =>
  !pod.deleting && pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
export const isReady = (pod: PodSummary): boolean =>
  pod.phase === 'Running' && pod.readyContainers === pod.totalContainers && pod.totalContainers > 0;

function readyCount(pods: readonly PodSummary[]): ReadyCount {
  const live = pods.filter(isLive);
  return { ready: live.filter(isReady).length, total: live.length };
}

/** The groups whose pods make up the installation (what "12/12 ready" counts). */
export const INSTALLATION_GROUPS: ReadonlySet<RoleGroup> = new Set(['control', 'gateways', 'nodeAgents', 'addons']);

export interface ControlPlaneHealth extends ReadyCount {
  /** Pods of the installation in trouble (crash loops, images that do not pull, no room on the nodes…). */
  readonly failing: number;
  /** Control-plane pods exist and every pod of the installation is ready: the lab's "watch" step is done. */
  readonly isReady: boolean;
}

/** Ready pods of the installation (control plane, gateways, node agents, add-ons; Jobs aside). */
export function controlPlaneHealth(
  pods: readonly PodSummary[],
  istioNamespace: string,
  now: number,
): ControlPlaneHealth {
  const roles = pods.map((pod) => ({ pod, role: roleOf(pod, istioNamespace) }));
  const installation = roles.filter(({ role }) => INSTALLATION_GROUPS.has(role.group)).map(({ pod }) => pod);
  const count = readyCount(installation);
  const failing = installation.filter((pod) => podHealth(pod, diagnosePod(pod, now)) === 'failing').length;
  const hasControlPlane = roles.some(({ pod, role }) => role.group === 'control' && isLive(pod));
  return { ...count, failing, isReady: hasControlPlane && count.ready === count.total };
}

/** What a filter looks in: the pod's names and the READY and STATUS columns (`2/2`, `Running`), as the book reads them. */
export function matchesFilter(pod: PodSummary, role: PodRole, filter: string): boolean {
  const ready = `${pod.readyContainers}/${pod.totalContainers}`;
  const text = [pod.name, pod.namespace, role.workload, COMPONENTS[role.component].title, ready, pod.status]
    .join('\n')
    .toLowerCase();
  return text.includes(filter);
}

export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Roles by pod projection: the store keeps the same object for a pod until it changes, so a
 * rebuild classifies only the pods that changed.
 */
const roleCache = new WeakMap<PodSummary, { readonly istioNamespace: string; readonly role: PodRole }>();

export function roleOf(pod: PodSummary, istioNamespace: string): PodRole {
  const cached = roleCache.get(pod);
  if (cached?.istioNamespace === istioNamespace) return cached.role;
  const role = classifyPod(pod, { istioNamespace });
  roleCache.set(pod, { istioNamespace, role });
  return role;
}

export const CLUSTER_ID = 'cluster';
export const groupId = (group: RoleGroup): string => `group:${group}`;
export const componentId = (group: RoleGroup, namespace: string, workload: string): string =>
  `component:${group}:${namespace}/${workload}`;
export const podId = (uid: string): string => `pod:${uid}`;

export function buildPodTree(input: PodTreeInput): PodTree {
  const nodes = new Map<string, PodTreeNode>();
  const filter = input.filter?.trim().toLowerCase();
  const classified = input.pods.map((pod) => ({ pod, role: roleOf(pod, input.istioNamespace) }));
  const shown = filter ? classified.filter(({ pod, role }) => matchesFilter(pod, role, filter)) : classified;

  const clusterChildren: string[] = [];
  const message = stateMessage(input.state);
  if (message) {
    const id = `message:${message.code}`;
    nodes.set(id, { ...message, id, parent: CLUSTER_ID, children: [] });
    clusterChildren.push(id);
  }
  if (filter && shown.length === 0 && classified.length > 0) {
    nodes.set('message:noMatch', {
      kind: 'message',
      code: 'noMatch',
      id: 'message:noMatch',
      parent: CLUSTER_ID,
      children: [],
    });
    clusterChildren.push('message:noMatch');
  }

  const byGroup = new Map<RoleGroup, typeof shown>();
  for (const member of shown) {
    const members = byGroup.get(member.role.group);
    if (members) members.push(member);
    else byGroup.set(member.role.group, [member]);
  }
  for (const group of ROLE_GROUPS) {
    const members = byGroup.get(group);
    if (!members) continue;
    const gid = groupId(group);
    const components = new Map<string, typeof members>();
    for (const member of members) {
      const cid = componentId(group, member.pod.namespace, member.role.workload);
      const pods = components.get(cid);
      if (pods) pods.push(member);
      else components.set(cid, [member]);
    }
    const componentIds = [...components.keys()].sort(byName);
    let singleReplicas = 0;
    for (const cid of componentIds) {
      const pods = components.get(cid)!.sort((a, b) => byName(a.pod.name, b.pod.name));
      const { role, pod: first } = pods[0];
      const podIds = pods.map(({ pod }) => podId(pod.uid));
      let hasFailingPod = false;
      for (const { pod, role: podRole } of pods) {
        const problems = diagnosePod(pod, input.now);
        const health = podHealth(pod, problems);
        hasFailingPod ||= health === 'failing';
        nodes.set(podId(pod.uid), {
          kind: 'pod',
          id: podId(pod.uid),
          parent: cid,
          children: [],
          pod,
          role: podRole,
          problems,
          health,
        });
      }
      const replicas = readyCount(pods.map(({ pod }) => pod));
      const isSinglePointOfFailure = group === 'control' && replicas.total === 1;
      if (isSinglePointOfFailure) singleReplicas++;
      nodes.set(cid, {
        kind: 'component',
        id: cid,
        parent: gid,
        children: podIds,
        group,
        component: role.component,
        namespace: first.namespace,
        workload: role.workload,
        ...(role.revision ? { revision: role.revision } : {}),
        replicas,
        completed: pods.filter(({ pod }) => pod.phase === 'Succeeded').length,
        isSinglePointOfFailure,
        hasFailingPod,
      });
    }
    nodes.set(gid, {
      kind: 'group',
      id: gid,
      parent: CLUSTER_ID,
      children: componentIds,
      group,
      pods: members.length,
      namespaces: new Set(members.map(({ pod }) => pod.namespace)).size,
      health: readyCount(members.map(({ pod }) => pod)),
      completed: members.filter(({ pod }) => pod.phase === 'Succeeded').length,
      singleReplicas,
    });
    clusterChildren.push(gid);
  }

  // No health here: refreshing the root node re-reads the whole tree, so it shows only what rarely changes.
  nodes.set(CLUSTER_ID, {
    kind: 'cluster',
    id: CLUSTER_ID,
    children: clusterChildren,
    cluster: input.cluster,
    istioVersions: istioVersions(
      classified.filter(({ role }) => INSTALLATION_GROUPS.has(role.group)).map(({ pod }) => pod),
    ),
  });
  return { roots: [CLUSTER_ID], nodes };
}

export function stateMessage(state: PodStoreState): Omit<MessageNode, 'id' | 'parent' | 'children'> | undefined {
  switch (state.kind) {
    case 'synced':
      return undefined;
    case 'connecting':
      return { kind: 'message', code: 'connecting' };
    case 'reconnecting':
      return {
        kind: 'message',
        code: 'reconnecting',
        error: state.error,
        attempt: state.attempt,
        retryInMs: state.retryInMs,
      };
    case 'failed':
      return { kind: 'message', code: 'failed', error: state.error };
  }
}

/** Whether a node looks the same in two builds (children are compared separately). */
export function looksSame(before: PodTreeNode, after: PodTreeNode): boolean {
  if (before.parent !== after.parent) return false;
  switch (after.kind) {
    case 'pod': {
      if (before.kind !== 'pod') return false;
      // A pod changes only with its resourceVersion (the store keeps one projection per version).
      const samePod =
        before.pod === after.pod ||
        (before.pod.uid === after.pod.uid && before.pod.resourceVersion === after.pod.resourceVersion);
      return samePod && before.health === after.health && sameProblems(before.problems, after.problems);
    }
    case 'component':
      return (
        before.kind === 'component' &&
        before.component === after.component &&
        before.revision === after.revision &&
        sameCount(before.replicas, after.replicas) &&
        before.completed === after.completed &&
        before.isSinglePointOfFailure === after.isSinglePointOfFailure &&
        before.hasFailingPod === after.hasFailingPod
      );
    case 'group':
      return (
        before.kind === 'group' &&
        before.pods === after.pods &&
        before.namespaces === after.namespaces &&
        before.completed === after.completed &&
        before.singleReplicas === after.singleReplicas &&
        sameCount(before.health, after.health)
      );
    case 'cluster':
      return (
        before.kind === 'cluster' &&
        JSON.stringify(before.cluster) === JSON.stringify(after.cluster) &&
        sameList(before.istioVersions, after.istioVersions)
      );
    case 'message':
      return (
        before.kind === 'message' &&
        before.code === after.code &&
        before.error?.message === after.error?.message &&
        before.attempt === after.attempt
      );
  }
}

const sameProblems = (a: readonly PodProblem[], b: readonly PodProblem[]): boolean =>
  a.length === b.length && a.every((problem, i) => problem.code === b[i].code);
const sameCount = (a: ReadyCount, b: ReadyCount): boolean => a.ready === b.ready && a.total === b.total;

export const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * The nodes to refresh to go from `previous` to `next`: those that look different or whose
 * children changed, minus those under another refreshed node (refreshing a node re-reads its
 * subtree). `'all'` when the roots themselves changed.
 */
export function changedNodes(previous: PodTree | undefined, next: PodTree): 'all' | string[] {
  if (!previous || !sameList(previous.roots, next.roots)) return 'all';
  const changed = new Set<string>();
  for (const [id, node] of next.nodes) {
    const before = previous.nodes.get(id);
    if (!before) continue; // a new node appears through its parent's changed children
    if (!looksSame(before, node) || !sameList(before.children, node.children)) changed.add(id);
  }
  const isUnderChanged = (id: string): boolean => {
    for (let parent = next.nodes.get(id)?.parent; parent; parent = next.nodes.get(parent)?.parent)
      if (changed.has(parent)) return true;
    return false;
  };
  return [...changed].filter((id) => !isUnderChanged(id));
}

/**
 * The deepest node that is, or is an ancestor of, each of `ids`: refreshing it alone re-reads them
 * all. `undefined` when they share no node (only a refresh from the roots will do).
 */
export function commonAncestor(tree: PodTree, ids: readonly string[]): string | undefined {
  let common: string[] | undefined;
  for (const id of ids) {
    const path = pathTo(tree, id);
    if (!common) {
      common = path;
      continue;
    }
    let shared = 0;
    while (shared < common.length && common[shared] === path[shared]) shared++;
    common.length = shared;
  }
  return common?.at(-1);
}

/** The ids from a node up to its root, root first (what `TreeView.reveal` walks). */
export function pathTo(tree: PodTree, id: string): string[] {
  const path: string[] = [];
  for (let current: string | undefined = id; current; current = tree.nodes.get(current)?.parent) path.unshift(current);
  return path;
}
