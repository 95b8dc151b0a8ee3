// The pod tree kept up to date event by event: a pod's change re-reads only that pod's node, its
// component (its pods, in name order) and its group's counts, which move by the component's
// difference, so the cost of an event does not grow with the number of pods. It holds the same
// nodes as buildPodTree (pod-tree-model.ts) would build from the same pods (the unit tests compare
// the two); a new filter, cluster or store is a full build.
import type { PodStoreChange, PodStoreState, PodSummary } from '../kube/pod-summary';
import { diagnosePod, podHealth } from './pod-diagnosis';
import type { ClusterInfo, ClusterNode, ComponentNode, GroupNode, PodNode, PodTree, PodTreeInput, PodTreeNode } from './pod-tree-model';
import { byName, CLUSTER_ID, componentId, groupId, INSTALLATION_GROUPS, isLive, isReady, looksSame, matchesFilter, podId, roleOf, sameList, stateMessage } from './pod-tree-model';
import type { RoleGroup } from './roles/components';
import { ROLE_GROUPS } from './roles/components';
import { istioVersions } from './roles/istio-version';

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
  /** The last computed node of each component (the map holds a placeholder while its pods move). */
  private readonly previousComponents = new Map<string, ComponentNode>();
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
      this.remove(pod.uid, touched);
      this.all.set(pod.uid, pod);
      this.insert(pod, touched);
    }
    const components = [...touched].filter((id) => id.startsWith('component:'));
    const groupsTouched = new Set<RoleGroup>();
    for (const cid of components) groupsTouched.add(this.updateComponent(cid));
    for (const group of groupsTouched) this.updateGroup(group);
    if ([...change.added, ...change.updated, ...change.removed].some((pod) => this.installation.has(pod.uid) || INSTALLATION_GROUPS.has(roleOf(pod, this.input.istioNamespace).group))) this.updateCluster();
    else this.updateCluster(false);
    return this.takeChanges();
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
    const members = new Map<string, PodSummary[]>();
    for (const pod of this.all.values()) {
      const role = roleOf(pod, this.input.istioNamespace);
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
      for (const pod of pods) this.nodes.set(podId(pod.uid), this.podNode(pod, cid));
      this.nodes.set(cid, { id: cid, children: pods.map((pod) => podId(pod.uid)) } as unknown as PodTreeNode);
      const group = roleOf(pods[0], this.input.istioNamespace).group;
      const cids = byGroup.get(group);
      if (cids) cids.push(cid);
      else byGroup.set(group, [cid]);
    }
    for (const [group, cids] of byGroup) {
      const totals: GroupTotals = { pods: 0, ready: 0, total: 0, completed: 0, singleReplicas: 0, namespaces: new Map(), components: cids.sort(byName) };
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

  private podNode(pod: PodSummary, cid: string): PodNode {
    const problems = diagnosePod(pod, this.input.now);
    const role = roleOf(pod, this.input.istioNamespace);
    return { kind: 'pod', id: podId(pod.uid), parent: cid, children: [], pod, role, problems, health: podHealth(pod, problems) };
  }

  /** The component node of these pods (sorted by name), stored in the map; its totals are the caller's. */
  private componentNode(cid: string, podIds: readonly string[]): ComponentNode {
    const pods = podIds.map((id) => (this.nodes.get(id) as PodNode).pod);
    const { role, pod: first } = { role: (this.nodes.get(podIds[0]) as PodNode).role, pod: pods[0] };
    const live = pods.filter(isLive);
    const replicas = { ready: live.filter(isReady).length, total: live.length };
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
      completed: pods.filter((pod) => pod.phase === 'Succeeded').length,
      isSinglePointOfFailure: role.group === 'control' && replicas.total === 1,
      hasFailingPod: podIds.some((id) => (this.nodes.get(id) as PodNode).health === 'failing'),
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

  /** Takes a pod out of its component's children (the component is re-read later). */
  private remove(uid: string, touched: Set<string>): void {
    const known = this.all.get(uid);
    if (!known) return;
    this.all.delete(uid);
    this.installation.delete(uid);
    const pid = podId(uid);
    const node = this.nodes.get(pid);
    if (node?.kind !== 'pod') return;
    const cid = node.parent!;
    const component = this.nodes.get(cid)!;
    this.nodes.delete(pid);
    this.removedPods.set(pid, node);
    const children = component.children.filter((id) => id !== pid);
    this.nodes.set(cid, { ...component, children } as PodTreeNode);
    touched.add(cid);
  }

  private insert(pod: PodSummary, touched: Set<string>): void {
    const role = roleOf(pod, this.input.istioNamespace);
    if (INSTALLATION_GROUPS.has(role.group)) this.installation.add(pod.uid);
    if (this.filter && !matchesFilter(pod, role, this.filter)) return;
    const cid = componentId(role.group, pod.namespace, role.workload);
    const node = this.podNode(pod, cid);
    const before = this.removedPods.get(node.id);
    this.nodes.set(node.id, node);
    // A pod that stays under its component is refreshed in place; one that moved appears through its new parent.
    if (before?.parent === cid) {
      if (!looksSame(before, node)) this.changed.add(node.id);
    } else this.created.add(node.id);
    const component = this.nodes.get(cid);
    const siblings = component ? [...component.children] : [];
    const nameOf = (id: string): string => (this.nodes.get(id) as PodNode).pod.name;
    siblings.splice(sortedIndex(siblings, pod.name, nameOf), 0, node.id);
    // A placeholder until updateComponent reads it (a new component has no node yet).
    this.nodes.set(cid, { ...(component ?? { id: cid, kind: 'component', parent: groupId(role.group) }), children: siblings } as PodTreeNode);
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
      return group;
    }
    const node = this.componentNode(cid, current.children);
    this.addShare(totals, node);
    if (!previous) totals.components = [...totals.components.slice(0, sortedIndex(totals.components, cid, (id) => id)), cid, ...totals.components.slice(sortedIndex(totals.components, cid, (id) => id))];
    else if (!this.created.has(cid) && (!looksSame(previous, node) || !sameList(previous.children, node.children))) this.changed.add(cid);
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
    for (const id of [...this.nodes.keys()]) if (id.startsWith('message:') && !children.includes(id)) this.nodes.delete(id);
    for (const group of ROLE_GROUPS) if (this.groups.has(group)) children.push(groupId(group));
    const before = this.nodes.get(CLUSTER_ID) as ClusterNode | undefined;
    const installation = versions || !before ? istioVersions([...this.installation].map((uid) => this.all.get(uid)!)) : before.istioVersions;
    this.set({ kind: 'cluster', id: CLUSTER_ID, children, cluster: this.input.cluster, istioVersions: installation });
  }

  /** Sets a node, and marks it changed when it was there and looks different. */
  private set(node: PodTreeNode): void {
    const before = this.nodes.get(node.id);
    this.nodes.set(node.id, node);
    if (!before) this.created.add(node.id);
    else if (!this.created.has(node.id) && (!looksSame(before, node) || !sameList(before.children, node.children))) this.changed.add(node.id);
  }

  /** The changed nodes, minus new ones and those under another changed node (its refresh re-reads them). */
  private takeChanges(): string[] {
    const changed = [...this.changed].filter((id) => this.nodes.has(id) && !this.created.has(id));
    this.changed = new Set();
    this.created = new Set();
    this.removedPods.clear();
    const marked = new Set(changed);
    const isUnderChanged = (id: string): boolean => {
      for (let parent = this.nodes.get(id)?.parent; parent; parent = this.nodes.get(parent)?.parent) if (marked.has(parent)) return true;
      return false;
    };
    return changed.filter((id) => !isUnderChanged(id));
  }
}
