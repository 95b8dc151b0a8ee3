// Runs the simulated cluster behind the API server: nodes, service account tokens (and Citadel's
// secrets), the workload controllers, the scheduler and kubelets, endpoints, metrics-server. Store changes mark the cluster dirty; one level-triggered pass then
// reconciles everything and repeats until nothing changes.
import type { KubeObject } from '../apimachinery/kube-object';
import { Faults } from '../faults/faults';
import { ClusterNetwork } from '../streams/cluster-network';
import { containerShell } from './container-exit';
import type { ObjectStorage, RestStorage } from '../storage/storage';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import { ControllerClient } from '../client/client';
import { syncCordonTaints } from './cordon-taint';
import { syncDisruptionBudgets } from './disruption';
import { syncCitadelSecrets } from './citadel-secrets';
import { syncEndpoints } from './endpoints';
import { EventRecorder, eventMessages } from './events';
import type { KubeletClock, KubeletEnvironment } from './kubelet';
import { syncPods } from './kubelet';
import { syncMetrics } from './metrics-server';
import { syncNodeHealth } from './node-health';
import { registerNodes } from './nodes';
import { syncServiceAccountTokens } from './service-account-tokens';
import { asJson, asList } from '../apimachinery/objects';
import { ServiceLoadBalancers } from './service-load-balancer';
import { CreateBackoff, syncWorkloads } from './workloads';
import { syncJobs } from './jobs';
import { CronJobController } from './cronjobs';
import { WakeTimer } from './wake-timer';
import type { Reporter, WorkloadPass } from './workloads';
import { syncDaemonSets } from './daemonsets';
import { syncDeployments } from './deployments';
import { syncReplicaSets } from './replica-sets';
import { syncStatefulSets } from './statefulsets';

export interface ControllerManagerOptions {
  readonly api: RestStorage;
  readonly store: ObjectStorage;
  readonly registry: ResourceRegistry;
  readonly kubeVersion: string;
  /** The cluster CA certificate (PEM) that service account token Secrets carry as `ca.crt`. */
  readonly caCert?: string;
  /** Nodes to register when the cluster has none. */
  readonly nodes: number;
  /** Multiplies every simulated delay (image pulls, job runs); 0 makes pods start at once. */
  readonly speed: number;
  /** Workload faults (crash loops, image pulls, nodes NotReady); the manager reacts when they change. */
  readonly faults?: Faults;
  /** Whether LoadBalancer Services get an address, as on a cloud (default); false keeps `<pending>`, as on minikube or kind. */
  readonly loadBalancers?: boolean;
  readonly now?: () => Date;
  /** Where a failed pass is reported (the pass is retried on the next change). */
  readonly onError?: (error: unknown) => void;
}

/** Passes in a row before the manager waits for the next change (a safety net against a write loop). */
const MAX_PASSES = 200;

export interface ControllerManager {
  close(): void;
}

export function startControllerManager(options: ControllerManagerOptions): ControllerManager {
  const now = options.now ?? (() => new Date());
  const client = new ControllerClient(
    options.api,
    options.store,
    options.registry,
    `kube-controller-manager/${options.kubeVersion}`,
  );
  const onError = options.onError ?? (() => undefined);
  const timers = new Set<NodeJS.Timeout>();
  /** When each pod's pending steps are due, by pod uid and step. */
  const due = new Map<string, Map<string, number>>();
  const messages = eventMessages(options.kubeVersion);
  const recorder = new EventRecorder(client, now, messages.fillsReporting, onError);
  const shell = containerShell(
    new ClusterNetwork(options.store, options.registry, options.faults ?? new Faults()),
    now,
  );
  const environment: KubeletEnvironment = {
    recorder,
    messages,
    kubeVersion: options.kubeVersion,
    faults: options.faults,
    speed: options.speed,
    pullAttempts: new Map(),
    killing: new Set(),
    shell,
    runs: new Map(),
  };
  const managedEndpoints = new Set<string>();
  const loadBalancers = options.loadBalancers === false ? undefined : new ServiceLoadBalancers(options.speed, recorder);
  const createBackoff = new CreateBackoff(
    () => now().getTime(),
    (delayMs) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        schedule();
      }, delayMs);
      timer.unref();
      timers.add(timer);
    },
  );
  const wake = new WakeTimer(
    () => now().getTime(),
    () => schedule(),
  );
  const cronJobs = new CronJobController({
    client,
    recorder,
    kubeVersion: options.kubeVersion,
    wake,
    speed: options.speed,
  });
  let scheduled: NodeJS.Immediate | undefined;
  let isDirty = false;
  let isRunning = false;
  let closed = false;

  const clock: KubeletClock = {
    now,
    dueAt(uid, step, delayMs, jitter = true) {
      let steps = due.get(uid);
      if (!steps) due.set(uid, (steps = new Map()));
      let at = steps.get(step);
      if (at === undefined) {
        // A little jitter, so pods do not all turn Running in the same second.
        at = now().getTime() + Math.round(delayMs * (jitter ? 0.5 + Math.random() : 1));
        steps.set(step, at);
        const wait = at - now().getTime();
        if (wait > 0) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            schedule();
          }, wait);
          timer.unref();
          timers.add(timer);
        }
      }
      return at;
    },
  };

  const reporter: Reporter = { recorder, messages, createBackoff };

  const pass = (): void => {
    const time = now()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    const workloads: WorkloadPass = { client, time, onError, reporter };
    for (const step of [
      () => options.faults && syncNodeHealth(client, options.faults, recorder, time),
      () => syncServiceAccountTokens(client, options.caCert),
      () => syncCitadelSecrets(client),
      () => syncDeployments(workloads),
      () => syncReplicaSets(workloads),
      () => syncStatefulSets(workloads),
      () => syncDaemonSets(workloads),
      () => syncWorkloads(workloads),
      () => cronJobs.sync(now(), onError),
      () => syncJobs({ client, recorder, kubeVersion: options.kubeVersion, wake }, time, onError),
      () => syncPods(client, clock, onError, environment),
      () => syncEndpoints(client, managedEndpoints, onError),
      () => syncCordonTaints(client, time),
      () => syncDisruptionBudgets(client, clock, recorder),
      () => loadBalancers?.sync(client, clock),
      () => syncMetrics(client, time),
    ]) {
      try {
        step();
      } catch (error) {
        onError(error);
      }
    }
    recorder.flush();
  };

  const run = (): void => {
    scheduled = undefined;
    if (closed) return;
    isRunning = true;
    try {
      for (let i = 0; i < MAX_PASSES && isDirty; i++) {
        isDirty = false;
        pass();
      }
    } finally {
      isRunning = false;
    }
    if (isDirty) schedule();
  };

  function schedule(): void {
    isDirty = true;
    if (!scheduled && !isRunning && !closed) scheduled = setImmediate(run);
  }

  const unsubscribe = options.store.subscribe(() => schedule());
  const pruneDue = options.store.subscribe((event) => {
    if (event.type === 'DELETED' && event.storageKey === '/pods') {
      const uid = event.object.metadata.uid!;
      due.delete(uid);
      environment.killing.delete(uid);
      for (const key of environment.pullAttempts.keys())
        if (key.startsWith(`${uid}/`)) environment.pullAttempts.delete(key);
      for (const key of environment.runs.keys()) if (key.startsWith(`${uid}/`)) environment.runs.delete(key);
      recordKilling(event.object);
    }
  });
  const unsubscribeFaults = options.faults?.onChange(() => schedule());

  /** The kubelet stops the containers still running in a pod deleted at once (recorded with the next pass). */
  function recordKilling(pod: KubeObject): void {
    const host = String(asJson(pod.spec).nodeName ?? '');
    if (!host) return;
    for (const status of asList(asJson(pod.status).containerStatuses)) {
      if (!asJson(status.state).running) continue;
      const name = String(status.name);
      recorder.record(
        pod,
        'Normal',
        'Killing',
        messages.killing(name),
        { component: 'kubelet', host },
        `spec.containers{${name}}`,
      );
    }
    schedule();
  }
  try {
    registerNodes(
      client,
      options.nodes,
      options.kubeVersion,
      now()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
      options.loadBalancers !== false,
    );
  } catch (error) {
    onError(error);
  }
  schedule();
  return {
    close() {
      closed = true;
      unsubscribe();
      pruneDue();
      unsubscribeFaults?.();
      if (scheduled) clearImmediate(scheduled);
      wake.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
