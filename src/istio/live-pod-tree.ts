// The pod tree kept up to date event by event: a pod's change re-reads only that pod's node, its
// component (its pods, in name order) and its group's counts, which move by the component's
// difference, so the cost of an event does not grow with the number of pods. It holds the same
// nodes as buildPodTree (pod-tree-model.ts) would build from the same pods (the unit tests compare
// the two); a new filter, cluster or store is a full build.
import type { PodStoreChange, PodStoreState, PodSummary } from '../kube/pod-summary';
import type { PodProblem } from './pod-diagnosis';
import { diagnosePod, podHealth } from './pod-diagnosis';
import type {
  ClusterInfo,
  ClusterNode,
  ComponentNode,
  GroupNode,
  PodNode,
  PodTree,
  PodTreeInput,
  PodTreeNode,
} from './pod-tree-model';
import {
  byName,
  CLUSTER_ID,
  componentId,
  groupId,
  INSTALLATION_GROUPS,
  isLive,
  isReady,
  looksSame,
  matchesFilter,
  podId,
  sameList,
  stateMessage,
} from './pod-tree-model';
import type { RoleGroup } from './roles/components';
import { ROLE_GROUPS } from './roles/components';
import { istioVersions } from './roles/istio-version';
import type { PodRole } from './roles/role-classifier';
import { classifyPod } from './roles/role-classifier';

/** Most pods have no problem: they share one empty list. */
const NO_PROBLEMS: readonly PodProblem[] = Object.freeze([]);

/** What a group adds up from its components; each component's share is subtracted and re-added as it changes. */
interface GroupTotals {
  pods: number;
  ready: number;
  total: number;
  completed: number;
  singleReplicas: number;
  /** Components per namespace: the group's namespace count is this map's size. */
  readonly namespaces: Map<string, number>;
  /** Component ids, sorted. */
  components: string[];
}

/** What a component counts of its pods, moved pod by pod. */
interface ComponentCounts {
  live: number;
  ready: number;
  completed: number;
  failing: number;
}

type Input = Omit<PodTreeInput, 'pods'>;

/** Index of `id` in the sorted `ids`, or where it would go. */
function sortedIndex(ids: readonly string[], key: string, keyOf: (id: string) => string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (byName(keyOf(ids[middle]), key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class LivePodTree implements PodTree {
  readonly roots: readonly string[] = [CLUSTER_ID];
  readonly nodes = new Map<string, PodTreeNode>();
  private input: Input;
  private filter: string | undefined;
  /** Every pod the store has (shown or filtered out), by uid. */
  private readonly all = new Map<string, PodSummary>();
  /** Pods of the installation groups, for the cluster node's Istio versions. */
  private readonly installation = new Set<string>();
  private readonly groups = new Map<RoleGroup, GroupTotals>();
  /** Roles by their fields: the replicas of a workload share one. */
  private readonly roles = new Map<string, PodRole>();
  /** Whether this change moved a pod of the installation (the cluster node's Istio versions). */
  private installationMoved = false;
  /** The last computed node of each component (the map holds a placeholder while its pods move). */
  private readonly previousComponents = new Map<string, ComponentNode>();
  private readonly counts = new Map<string, ComponentCounts>();
  /** Pod nodes taken out during this change, to tell an updated pod from a new one. */
  private readonly removedPods = new Map<string, PodNode>();
  private changed = new Set<string>();
  private created = new Set<string>();

  constructor(input: PodTreeInput) {
    this.input = input;
    this.filter = input.filter?.trim().toLowerCase() || undefined;
    for (const pod of input.pods) this.all.set(pod.uid, pod);
    this.buildAll();
  }

  /** Applies one store change; returns the ids of the nodes that look different (as changedNodes does). */
  apply(change: PodStoreChange, now: number): string[] {
    this.input = { ...this.input, now };
    const touched = new Set<string>();
    for (const pod of change.removed) this.remove(pod.uid, touched);
    for (const pod of [...change.added, ...change.updated]) {
      if (this.replace(pod, touched)) continue;
      this.remove(pod.uid, touched);
      this.all.set(pod.uid, pod);
      this.insert(pod, touched);
    }
    const components = [...touched].filter((id) => id.startsWith('component:'));
    const groupsTouched = new Set<RoleGroup>();
    for (const cid of components) groupsTouched.add(this.updateComponent(cid));
    for (const group of groupsTouched) this.updateGroup(group);
    this.updateCluster(this.installationMoved);
    this.installationMoved = false;
    return this.takeChanges();
  }

  /** The pods of the installation (control plane, gateways, node agents, add-ons), filter or not: what its health counts. */
  installationPods(): PodSummary[] {
    return [...this.installation].map((uid) => this.all.get(uid)!);
  }

  /** The store's state: the message under the cluster node. */
  setState(state: PodStoreState): string[] {
    this.input = { ...this.input, state };
    this.updateCluster(false);
    return this.takeChanges();
  }

  setCluster(cluster: ClusterInfo): string[] {
    this.input = { ...this.input, cluster };
    this.updateCluster(false);
    return this.takeChanges();
  }

  // ── building ─────────────────────────────────────────────────────────────────────────────

  private buildAll(): void {
    this.nodes.clear();
    this.groups.clear();
    this.installation.clear();
    this.previousComponents.clear();
    this.counts.clear();
    const members = new Map<string, PodSummary[]>();
    for (const pod of this.all.values()) {
      const role = this.roleOf(pod);
      if (INSTALLATION_GROUPS.has(role.group)) this.installation.add(pod.uid);
      if (this.filter && !matchesFilter(pod, role, this.filter)) continue;
      const cid = componentId(role.group, pod.namespace, role.workload);
      const pods = members.get(cid);
      if (pods) pods.push(pod);
      else members.set(cid, [pod]);
    }
    const byGroup = new Map<RoleGroup, string[]>();
    for (const [cid, pods] of members) {
      pods.sort((a, b) => byName(a.name, b.name));
      for (const pod of pods) {
        const node = this.podNode(pod, cid, this.roleOf(pod));
        this.nodes.set(node.id, node);
        this.count(cid, node, 1);
      }
      this.nodes.set(cid, { id: cid, children: pods.map((pod) => podId(pod.uid)) } as unknown as PodTreeNode);
      const group = (this.nodes.get(podId(pods[0].uid)) as PodNode).role.group;
      const cids = byGroup.get(group);
      if (cids) cids.push(cid);
      else byGroup.set(group, [cid]);
    }
    for (const [group, cids] of byGroup) {
      const totals: GroupTotals = {
        pods: 0,
        ready: 0,
        total: 0,
        completed: 0,
        singleReplicas: 0,
        namespaces: new Map(),
        components: cids.sort(byName),
      };
      this.groups.set(group, totals);
      for (const cid of cids) {
        const node = this.componentNode(cid, this.nodes.get(cid)!.children);
        this.previousComponents.set(cid, node);
        this.addShare(totals, node);
      }
      this.setGroupNode(group, totals);
    }
    this.updateCluster();
    this.changed.clear();
    this.created.clear();
  }

  private roleOf(pod: PodSummary): PodRole {
    const role = classifyPod(pod, { istioNamespace: this.input.istioNamespace });
    const key = `${role.group}\n${role.component}\n${role.workload}\n${role.revision ?? ''}`;
    const known = this.roles.get(key);
    if (known) return known;
    this.roles.set(key, role);
    return role;
  }

  private podNode(pod: PodSummary, cid: string, role: PodRole): PodNode {
    const found = diagnosePod(pod, this.input.now);
    const problems = found.length ? found : NO_PROBLEMS;
    return {
      kind: 'pod',
      id: podId(pod.uid),
      parent: cid,
      children: [],
      pod,
      role,
      problems,
      health: podHealth(pod, problems),
    };
  }

  /** Moves a component's counts by one pod (sign 1: in, -1: out). */
  private count(cid: string, node: PodNode, sign: 1 | -1): void {
    let counts = this.counts.get(cid);
    if (!counts) this.counts.set(cid, (counts = { live: 0, ready: 0, completed: 0, failing: 0 }));
    const { pod } = node;
    if (isLive(pod)) {
      counts.live += sign;
      if (isReady(pod)) counts.ready += sign;
    }
    if (pod.phase === 'Succeeded') counts.completed += sign;
    if (node.health === 'failing') counts.failing += sign;
  }

  /** The component node of these pods (sorted by name), from its counts and first pod; stored in the map. */
  private componentNode(cid: string, podIds: readonly string[]): ComponentNode {
    const { role, pod: first } = this.nodes.get(podIds[0]) as PodNode;
    const counts = this.counts.get(cid)!;
    const replicas = { ready: counts.ready, total: counts.live };
    const node: ComponentNode = {
      kind: 'component',
      id: cid,
      parent: groupId(role.group),
      children: podIds,
      group: role.group,
      component: role.component,
      namespace: first.namespace,
      workload: role.workload,
      ...(role.revision ? { revision: role.revision } : {}),
      replicas,
      completed: counts.completed,
      isSinglePointOfFailure: role.group === 'control' && replicas.total === 1,
      hasFailingPod: counts.failing > 0,
    };
    this.nodes.set(cid, node);
    return node;
  }

  private addShare(totals: GroupTotals, node: ComponentNode, sign = 1): void {
    totals.pods += sign * node.children.length;
    totals.ready += sign * node.replicas.ready;
    totals.total += sign * node.replicas.total;
    totals.completed += sign * node.completed;
    if (node.isSinglePointOfFailure) totals.singleReplicas += sign;
    const count = (totals.namespaces.get(node.namespace) ?? 0) + sign;
    if (count > 0) totals.namespaces.set(node.namespace, count);
    else totals.namespaces.delete(node.namespace);
  }

  private setGroupNode(group: RoleGroup, totals: GroupTotals): void {
    const gid = groupId(group);
    this.set({
      kind: 'group',
      id: gid,
      parent: CLUSTER_ID,
      children: totals.components,
      group,
      pods: totals.pods,
      namespaces: totals.namespaces.size,
      health: { ready: totals.ready, total: totals.total },
      completed: totals.completed,
      singleReplicas: totals.singleReplicas,
    } satisfies GroupNode);
  }

  // ── one pod at a time ────────────────────────────────────────────────────────────────────

  /** A pod that stays in its component (the usual update): its node in place, its component's counts moved. */
  private replace(pod: PodSummary, touched: Set<string>): boolean {
    const pid = podId(pod.uid);
    const before = this.nodes.get(pid);
    if (before?.kind !== 'pod' || before.pod.name !== pod.name) return false;
    const role = this.roleOf(pod);
    const cid = componentId(role.group, pod.namespace, role.workload);
    if (cid !== before.parent || (this.filter && !matchesFilter(pod, role, this.filter))) return false;
    this.all.set(pod.uid, pod);
    if (INSTALLATION_GROUPS.has(role.group)) this.installationMoved = true;
    const node = this.podNode(pod, cid, role);
    this.count(cid, before, -1);
    this.count(cid, node, 1);
    this.nodes.set(pid, node);
    if (!looksSame(before, node)) this.changed.add(pid);
    touched.add(cid);
    return true;
  }

  /** Takes a pod out of its component's children (the component is re-read later). */
  private remove(uid: string, touched: Set<string>): void {
    const known = this.all.get(uid);
    if (!known) return;
    this.all.delete(uid);
    if (this.installation.delete(uid)) this.installationMoved = true;
    const pid = podId(uid);
    const node = this.nodes.get(pid);
    if (node?.kind !== 'pod') return;
    const cid = node.parent!;
    const component = this.nodes.get(cid)!;
    this.nodes.delete(pid);
    this.removedPods.set(pid, node);
    this.count(cid, node, -1);
    const children = component.children.filter((id) => id !== pid);
    this.nodes.set(cid, { ...component, children } as PodTreeNode);
    touched.add(cid);
  }

  private insert(pod: PodSummary, touched: Set<string>): void {
    const role = this.roleOf(pod);
    if (INSTALLATION_GROUPS.has(role.group)) {
      this.installation.add(pod.uid);
      this.installationMoved = true;
    }
    if (this.filter && !matchesFilter(pod, role, this.filter)) return;
    const cid = componentId(role.group, pod.namespace, role.workload);
    const node = this.podNode(pod, cid, role);
    const before = this.removedPods.get(node.id);
    this.nodes.set(node.id, node);
    this.count(cid, node, 1);
    // A pod that stays under its component is refreshed in place; one that moved appears through its new parent.
    if (before?.parent === cid) {
      if (!looksSame(before, node)) this.changed.add(node.id);
    } else this.created.add(node.id);
    const component = this.nodes.get(cid);
    const siblings = component ? [...component.children] : [];
    const nameOf = (id: string): string => (this.nodes.get(id) as PodNode).pod.name;
    siblings.splice(sortedIndex(siblings, pod.name, nameOf), 0, node.id);
    // A placeholder until updateComponent reads it (a new component has no node yet).
    this.nodes.set(cid, {
      ...(component ?? { id: cid, kind: 'component', parent: groupId(role.group) }),
      children: siblings,
    } as PodTreeNode);
    if (!component) this.created.add(cid);
    touched.add(cid);
  }

  /** Re-reads a component from its pods and moves its group's totals by the difference. */
  private updateComponent(cid: string): RoleGroup {
    const current = this.nodes.get(cid) as ComponentNode;
    const group = cid.slice('component:'.length, cid.indexOf(':', 'component:'.length)) as RoleGroup;
    let totals = this.groups.get(group);
    if (!totals) {
      totals = { pods: 0, ready: 0, total: 0, completed: 0, singleReplicas: 0, namespaces: new Map(), components: [] };
      this.groups.set(group, totals);
      this.created.add(groupId(group));
    }
    const previous = this.previousComponents.get(cid);
    if (previous) this.addShare(totals, previous, -1);
    if (current.children.length === 0) {
      this.nodes.delete(cid);
      this.changed.delete(cid);
      totals.components = totals.components.filter((id) => id !== cid);
      this.previousComponents.delete(cid);
      this.counts.delete(cid);
      return group;
    }
    const node = this.componentNode(cid, current.children);
    this.addShare(totals, node);
    if (!previous)
      totals.components = [
        ...totals.components.slice(
          0,
          sortedIndex(totals.components, cid, (id) => id),
        ),
        cid,
        ...totals.components.slice(sortedIndex(totals.components, cid, (id) => id)),
      ];
    else if (!this.created.has(cid) && (!looksSame(previous, node) || !sameList(previous.children, node.children)))
      this.changed.add(cid);
    this.previousComponents.set(cid, node);
    return group;
  }

  private updateGroup(group: RoleGroup): void {
    const totals = this.groups.get(group)!;
    if (totals.components.length === 0) {
      this.groups.delete(group);
      this.nodes.delete(groupId(group));
      this.changed.delete(groupId(group));
      return;
    }
    this.setGroupNode(group, totals);
  }

  /** The cluster node and its children: the state's message, "no match", the groups in their order. */
  private updateCluster(versions = true): void {
    const children: string[] = [];
    const message = stateMessage(this.input.state);
    if (message) {
      const id = `message:${message.code}`;
      this.set({ ...message, id, parent: CLUSTER_ID, children: [] });
      children.push(id);
    }
    if (this.filter && this.groups.size === 0 && this.all.size > 0) {
      this.set({ kind: 'message', code: 'noMatch', id: 'message:noMatch', parent: CLUSTER_ID, children: [] });
      children.push('message:noMatch');
    }
    const before = this.nodes.get(CLUSTER_ID) as ClusterNode | undefined;
    for (const id of before?.children ?? [])
      if (id.startsWith('message:') && !children.includes(id)) this.nodes.delete(id);
    for (const group of ROLE_GROUPS) if (this.groups.has(group)) children.push(groupId(group));
    const installation =
      versions || !before
        ? istioVersions([...this.installation].map((uid) => this.all.get(uid)!))
        : before.istioVersions;
    this.set({ kind: 'cluster', id: CLUSTER_ID, children, cluster: this.input.cluster, istioVersions: installation });
  }

  /** Sets a node, and marks it changed when it was there and looks different. */
  private set(node: PodTreeNode): void {
    const before = this.nodes.get(node.id);
    this.nodes.set(node.id, node);
    if (!before) this.created.add(node.id);
    else if (!this.created.has(node.id) && (!looksSame(before, node) || !sameList(before.children, node.children)))
      this.changed.add(node.id);
  }

  /** The changed nodes, minus new ones and those under another changed node (its refresh re-reads them). */
  private takeChanges(): string[] {
    const changed = [...this.changed].filter((id) => this.nodes.has(id) && !this.created.has(id));
    this.changed = new Set();
    this.created = new Set();
    this.removedPods.clear();
    const marked = new Set(changed);
    const isUnderChanged = (id: string): boolean => {
      for (let parent = this.nodes.get(id)?.parent; parent; parent = this.nodes.get(parent)?.parent)
        if (marked.has(parent)) return true;
      return false;
    };
    return changed.filter((id) => !isUnderChanged(id));
  }
}
