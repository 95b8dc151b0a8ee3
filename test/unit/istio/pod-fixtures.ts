// Pods as the cluster would run them from the real Istio manifests in test/fixtures/istio: one pod
// per replica of each Deployment, DaemonSet and StatefulSet, one per Job, with the labels of the
// pod template plus what the controllers add (pod-template-hash, job-name) and the owner reference.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { ContainerSummary, PodSummary } from '../../../src/kube/pod-summary';

export const istioFixtures = path.resolve(__dirname, '..', '..', 'fixtures', 'istio');

interface Workload {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    replicas?: number;
    template: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: { name: string; image: string }[] };
    };
  };
}

const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'Job']);

function workloads(file: string): Workload[] {
  const found: Workload[] = [];
  // json: a later duplicate key wins, as in kubectl's decoder (Istio 1.1.0's file has one).
  for (const document of yaml.loadAll(fs.readFileSync(path.join(istioFixtures, file), 'utf8'), undefined, {
    json: true,
  })) {
    if (!document || typeof document !== 'object') continue;
    const object = document as { kind?: string; items?: unknown[] };
    const items = (object.kind === 'List' ? object.items : [object]) as Workload[];
    found.push(...items.filter((item) => WORKLOAD_KINDS.has(item.kind)));
  }
  return found;
}

/** A generated name part in Kubernetes' alphabet (no vowels), the same for the same seed. */
function generated(seed: string, length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...createHash('sha256').update(seed).digest()]
    .slice(0, length)
    .map((byte) => alphabet[byte % alphabet.length])
    .join('');
}

function container(spec: { name: string; image: string }, completed: boolean): ContainerSummary {
  return completed
    ? {
        name: spec.name,
        image: spec.image,
        ready: false,
        restartCount: 0,
        state: 'terminated',
        reason: 'Completed',
        exitCode: 0,
      }
    : { name: spec.name, image: spec.image, ready: true, restartCount: 0, state: 'running' };
}

/** A running (or, for Jobs, completed) pod with the given identity. */
export function podSummary(fields: Partial<PodSummary> & Pick<PodSummary, 'name'>): PodSummary {
  const containers = fields.containers ?? [];
  return {
    uid: `uid-${fields.namespace ?? 'istio-system'}-${fields.name}`,
    namespace: 'istio-system',
    resourceVersion: '1',
    labels: {},
    annotations: {},
    phase: 'Running',
    status: 'Running',
    readyContainers: containers.filter((entry) => entry.ready).length,
    totalContainers: containers.length,
    restarts: 0,
    createdAt: 0,
    deleting: false,
    containers,
    initContainers: [],
    conditions: [],
    ...fields,
  };
}

/**
 * An app pod of the data plane: `<app>-7c7c5f5c99-<suffix>` in `namespace`, owned by its ReplicaSet,
 * with one running istio-proxy (1.2.2) and nothing else.
 */
export function sidecarPod(app: string, namespace: string, suffix: string | number): PodSummary {
  return podSummary({
    name: `${app}-7c7c5f5c99-${suffix}`,
    namespace,
    containers: [
      { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.2.2', ready: true, restartCount: 0, state: 'running' },
    ],
    ownerKind: 'ReplicaSet',
    ownerName: `${app}-7c7c5f5c99`,
    labels: { app },
  });
}

/** The pods a manifest (path under test/fixtures/istio) runs once installed. */
export function podsFromManifest(file: string): PodSummary[] {
  const pods: PodSummary[] = [];
  for (const workload of workloads(file)) {
    const template = workload.spec.template;
    const labels = { ...template.metadata?.labels };
    const namespace = workload.metadata.namespace ?? 'istio-system';
    const isJob = workload.kind === 'Job';
    let ownerKind = workload.kind;
    let ownerName = workload.metadata.name;
    if (workload.kind === 'Deployment') {
      labels['pod-template-hash'] = generated(workload.metadata.name, 10);
      ownerKind = 'ReplicaSet';
      ownerName = `${workload.metadata.name}-${labels['pod-template-hash']}`;
    }
    if (isJob) labels['job-name'] = workload.metadata.name;
    const replicas =
      workload.kind === 'Deployment' || workload.kind === 'StatefulSet' ? (workload.spec.replicas ?? 1) : 1;
    for (let i = 0; i < replicas; i++) {
      const containers = template.spec.containers.map((spec) => container(spec, isJob));
      pods.push(
        podSummary({
          name:
            workload.kind === 'StatefulSet' ? `${ownerName}-${i}` : `${ownerName}-${generated(`${ownerName}/${i}`, 5)}`,
          namespace,
          labels,
          annotations: template.metadata?.annotations ?? {},
          ownerKind,
          ownerName,
          containers,
          phase: isJob ? 'Succeeded' : 'Running',
          status: isJob ? 'Completed' : 'Running',
          readyContainers: isJob ? 0 : containers.length,
        }),
      );
    }
  }
  return pods;
}

/** The pods of a `kubectl get po` capture: names, READY, STATUS and RESTARTS, no labels. */
export function podsFromCapture(file: string): PodSummary[] {
  const lines = fs.readFileSync(path.join(istioFixtures, 'kubectl-get-po', file), 'utf8').split('\n');
  const header = lines.findIndex((line) => line.startsWith('NAME '));
  return lines
    .slice(header + 1)
    .filter((line) => line.trim())
    .map((line) => {
      const [name, ready, status, restarts] = line.trim().split(/\s+/);
      const [readyContainers, totalContainers] = ready.split('/').map(Number);
      return podSummary({
        name,
        status,
        readyContainers,
        totalContainers,
        restarts: Number(restarts),
        phase: status === 'Completed' ? 'Succeeded' : 'Running',
      });
    });
}

/** A pod's name without the parts its controllers generated: `istio-pilot-68f587df5d-wzwxn` → `istio-pilot`, `istio-cleanup-secrets-1.2.2-bcwf6` → `istio-cleanup-secrets-1.2.2`. */
export const ownerOf = (name: string): string =>
  name.replace(/-[a-z0-9]{8,10}-[a-z0-9]{5}$/, '').replace(/-[a-z0-9]{5}$/, '');

/** READY and STATUS as `kubectl get po` shows them, by owner: `istio-pilot` → `2/2 Running`. */
export function readyAndStatusByOwner(pods: readonly PodSummary[]): Map<string, string> {
  return new Map(pods.map((pod) => [ownerOf(pod.name), `${pod.readyContainers}/${pod.totalContainers} ${pod.status}`]));
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
