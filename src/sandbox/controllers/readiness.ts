// Readiness that depends on another component, as on a real cluster: Istio's pilot-agent answers
// its readiness probe (`/healthz/ready`) only once Envoy has its configuration from the discovery
// service named by `--discoveryAddress` (Istio 1.0–1.4 gateways: `istio-pilot:15010`). While that
// Service has no ready endpoint — Pilot still starting, crash-looping, or gone — the container,
// and so the pod, stays NotReady (`istio-ingressgateway 0/1 Running`). Sidecars injected by
// Istio 1.5+ name istiod (`istiod.istio-system.svc:15012`) in `PROXY_CONFIG` instead.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient } from '../client/client';
import { ENDPOINTS } from '../client/client';
import type { Json } from '../apimachinery/objects';
import { asJson, asList } from '../apimachinery/objects';

/** Istio 1.5+ proxies name istiod in the `PROXY_CONFIG` environment variable (the mesh's defaultConfig as JSON). */
function proxyConfigDiscoveryAddress(container: Json): string | undefined {
  const value = asList(container.env).find((entry) => entry.name === 'PROXY_CONFIG')?.value;
  if (typeof value !== 'string') return undefined;
  try {
    const address = asJson(JSON.parse(value)).discoveryAddress;
    return typeof address === 'string' ? address : undefined;
  } catch {
    return undefined;
  }
}

/** The Service (namespace, name) a container's readiness waits for, if it is an Istio proxy. */
export function discoveryDependency(
  container: Json,
  podNamespace: string,
): { namespace: string; name: string } | undefined {
  const probe = asJson(asJson(container.readinessProbe).httpGet);
  if (probe.path !== '/healthz/ready') return undefined;
  const args = (container.args as string[] | undefined) ?? [];
  const at = args.indexOf('--discoveryAddress');
  const address =
    at >= 0
      ? args[at + 1]
      : (args.find((arg) => arg.startsWith('--discoveryAddress='))?.slice('--discoveryAddress='.length) ??
        proxyConfigDiscoveryAddress(container));
  if (!address) return undefined;
  const [name, namespace] = address.replace(/:\d+$/, '').split('.');
  return { name, namespace: namespace ?? podNamespace };
}

function hasReadyEndpoint(client: ControllerClient, namespace: string, name: string): boolean {
  return asList(client.get(ENDPOINTS, namespace, name)?.subsets).some((subset) => asList(subset.addresses).length > 0);
}

/** Containers of the pod whose dependency is not ready. */
export function unreadyByDependency(pod: KubeObject, client: ControllerClient): string[] {
  return asList(asJson(pod.spec).containers)
    .filter((container) => {
      const dependency = discoveryDependency(container, pod.metadata.namespace!);
      return dependency !== undefined && !hasReadyEndpoint(client, dependency.namespace, dependency.name);
    })
    .map((container) => String(container.name));
}

/**
 * A Ready or ContainersReady condition as GeneratePodReadyCondition and GenerateContainersReadyCondition
 * word it, given the containers that are not ready (`completed`: the pod has Succeeded); its
 * transition time moves only when its status changes.
 */
export function readyCondition(previous: Json, unready: readonly string[], time: string, completed = false): Json {
  const isReady = unready.length === 0;
  const transition = (previous.status === 'True') === isReady ? previous.lastTransitionTime : time;
  const condition = {
    type: previous.type,
    status: isReady ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: transition,
  };
  if (isReady) return condition;
  if (completed) return { ...condition, reason: 'PodCompleted' };
  return {
    ...condition,
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${unready.join(' ')}]`,
  };
}

/**
 * The status of a running pod whose containers are ready except `unready`; undefined when the
 * stored status says so already (nothing to write).
 */
export function statusWithReadiness(pod: KubeObject, unready: string[], time: string): Json | undefined {
  const status = asJson(pod.status);
  const containerStatuses = asList(status.containerStatuses).map((entry) => ({
    ...entry,
    ready: !unready.includes(String(entry.name)),
  }));
  const conditions = asList(status.conditions).map((entry) =>
    entry.type === 'Ready' || entry.type === 'ContainersReady' ? readyCondition(entry, unready, time) : entry,
  );
  // Compared by what readiness decides, not by key order, so a pass never rewrites an unchanged pod.
  const summary = (entries: Json[], statuses: Json[]) =>
    JSON.stringify([
      entries
        .filter((entry) => entry.type === 'Ready' || entry.type === 'ContainersReady')
        .map((entry) => [entry.status, entry.reason, entry.message]),
      statuses.map((entry) => entry.ready),
    ]);
  if (summary(conditions, containerStatuses) === summary(asList(status.conditions), asList(status.containerStatuses)))
    return undefined;
  return { ...status, conditions, containerStatuses };
}
