// The APIService objects kube-aggregator keeps for every group-version the server serves
// (`kubectl get apiservices`): local ones for kube-apiserver's own groups, and metrics-server's
// v1beta1.metrics.k8s.io backed by its Service in kube-system, as on GKE. The priorities are
// one value for all, not kube-apiserver's per-group table.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ResourceRegistry } from '../apimachinery/resource-registry';

const METRICS_SERVICE = { namespace: 'kube-system', name: 'metrics-server', port: 443 };

export function apiServices(registry: ResourceRegistry, time: string): KubeObject[] {
  // The core group's "v1." is left out: the sandbox's create checks names as DNS subdomains, which
  // kube-aggregator's own name rule (version.group) lets "v1." pass.
  const groupVersions = registry
    .groups()
    .flatMap((group) => group.versions.map((version) => ({ group: group.name, version })));
  return groupVersions.map(({ group, version }) => {
    const external = group === 'metrics.k8s.io';
    return {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: {
        name: `${version}.${group}`,
        ...(external ? {} : { labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } }),
      },
      spec: {
        ...(external ? { service: METRICS_SERVICE, insecureSkipTLSVerify: true } : {}),
        group,
        version,
        groupPriorityMinimum: external ? 100 : 1000,
        versionPriority: 100,
      },
      status: {
        conditions: [
          external
            ? {
                type: 'Available',
                status: 'True',
                lastTransitionTime: time,
                reason: 'Passed',
                message: 'all checks passed',
              }
            : {
                type: 'Available',
                status: 'True',
                lastTransitionTime: time,
                reason: 'Local',
                message: 'Local APIServices are always available',
              },
        ],
      },
    };
  });
}
