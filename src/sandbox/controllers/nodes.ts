// Simulated GKE nodes: what `kubectl get nodes -o wide` and `describe node` show on the book's cluster.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient } from '../client/client';
import { kubeProxyMirrorPod } from './gke-seed';
import { NODES, PODS } from '../client/client';
import { gkeNodeNames, hexId } from './naming';

export interface NodeAddressing {
  readonly name: string;
  /** `10.0.<index>.0/24`: pod IPs like the book's 10.0.0.8. */
  readonly podCidr: string;
  readonly internalIp: string;
}

export function nodeAddressing(name: string, index: number): NodeAddressing {
  return { name, podCidr: `10.0.${index}.0/24`, internalIp: `10.128.0.${index + 2}` };
}

export function nodeObject(addressing: NodeAddressing, index: number, kubeVersion: string, time: string): KubeObject {
  const { name, podCidr, internalIp } = addressing;
  const zone = 'us-central1-a';
  const resources = {
    'attachable-volumes-gce-pd': '127',
    'ephemeral-storage': '98868448Ki',
    'hugepages-2Mi': '0',
    pods: '110',
  };
  const conditions = [
    ['FrequentUnregisterNetDevice', 'False', 'UnregisterNetDevice', 'node is functioning properly'],
    ['KernelDeadlock', 'False', 'KernelHasNoDeadlock', 'kernel has no deadlock'],
    ['NetworkUnavailable', 'False', 'RouteCreated', 'RouteController created a route'],
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status. AppArmor enabled'],
  ].map(([type, status, reason, message]) => ({
    type,
    status,
    lastHeartbeatTime: time,
    lastTransitionTime: time,
    reason,
    message,
  }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/fluentd-ds-ready': 'true',
        'beta.kubernetes.io/instance-type': 'n1-standard-4',
        'beta.kubernetes.io/os': 'linux',
        'cloud.google.com/gke-nodepool': 'default-pool',
        'cloud.google.com/gke-os-distribution': 'cos',
        'failure-domain.beta.kubernetes.io/region': 'us-central1',
        'failure-domain.beta.kubernetes.io/zone': zone,
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: podCidr, podCIDRs: [podCidr], providerID: `gce://istio-lab/${zone}/${name}` },
    status: {
      capacity: { ...resources, cpu: '4', memory: '15399140Ki' },
      allocatable: { ...resources, cpu: '3920m', memory: '12700388Ki' },
      conditions,
      addresses: [
        { type: 'InternalIP', address: internalIp },
        { type: 'ExternalIP', address: `35.226.${(index * 37) % 250}.${(index * 53 + 11) % 250}` },
        { type: 'InternalDNS', address: `${name}.${zone}.c.istio-lab.internal` },
        { type: 'Hostname', address: `${name}.${zone}.c.istio-lab.internal` },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: hexId(`machine/${name}`).slice(0, 32),
        systemUUID: hexId(`system/${name}`).slice(0, 32).toUpperCase(),
        bootID: hexId(`boot/${name}`).slice(0, 32),
        kernelVersion: '4.14.127+',
        osImage: 'Container-Optimized OS from Google',
        containerRuntimeVersion: 'docker://17.3.2',
        kubeletVersion: kubeVersion,
        kubeProxyVersion: kubeVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/**
 * Registers `count` nodes unless the cluster (restored from a state directory) has some already; each runs kube-proxy as GKE's do.
 * Without a cloud load balancer the nodes carry no cloud providerID, as minikube's, so the lab's pre-check predicts `<pending>`.
 */
export function registerNodes(
  client: ControllerClient,
  count: number,
  kubeVersion: string,
  time: string,
  hasCloud = true,
): void {
  if (client.list(NODES).length > 0) return;
  const hasKubeSystem =
    client.get({ group: '', version: 'v1', resource: 'namespaces' }, undefined, 'kube-system') !== undefined;
  gkeNodeNames(count, `${Date.now()}/${Math.random()}`).forEach((name, index) => {
    const node = nodeObject(nodeAddressing(name, index), index, kubeVersion, time);
    if (!hasCloud) delete (node.spec as { providerID?: string }).providerID;
    const created = client.create(NODES, { ...node, status: undefined });
    client.updateStatus(NODES, { ...created, status: node.status });
    if (hasKubeSystem) client.create(PODS, kubeProxyMirrorPod(name, kubeVersion));
  });
}

/** Each node's addressing, from the stored nodes (index from the pod CIDR). */
export function nodeAddressings(client: ControllerClient): NodeAddressing[] {
  return client.list(NODES).map((node, index) => {
    const spec = node.spec as { podCIDR?: string } | undefined;
    const match = /^10\.0\.(\d+)\.0\/24$/.exec(spec?.podCIDR ?? '');
    const address = (
      (node.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? []
    ).find((entry) => entry.type === 'InternalIP');
    const fallback = nodeAddressing(node.metadata.name!, match ? Number(match[1]) : index);
    return { ...fallback, internalIp: address?.address ?? fallback.internalIp };
  });
}
