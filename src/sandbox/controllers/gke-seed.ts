// The kube-system add-ons a GKE 1.13 cluster runs before anything is installed: kube-dns, the
// GLBC default backend, metrics-server, heapster, the logging agents and their autoscalers, with
// the labels and images of GKE's addon manifests of that time (kubernetes/kubernetes
// cluster/addons at release-1.13 and what `kubectl get all -n kube-system` showed on GKE 1.13).
// kube-proxy is a static pod per node on GKE: its mirror pods come with the nodes (nodes.ts).
// Checked against: a GKE v1.13.10-gke.0 `kubectl get pods --all-namespaces` (event-exporter-v0.2.4
// 2/2, fluentd-gcp-scaler 1/1, fluentd-gcp-v3.2.0 2/2 per node, heapster-v1.6.1 3/3, kube-dns 4/4 ×2,
// kube-dns-autoscaler 1/1, kube-proxy-<node> 1/1, l7-default-backend 1/1, metrics-server-v0.3.1 2/2,
// prometheus-to-sd 1/1 per node); a GKE kube-dns pod and Endpoints of Dec 2018 kept as test data in
// istio/istio (images k8s-dns-*-amd64:1.14.13, container args, critical-pod annotations,
// CriticalAddonsOnly toleration); the GLBC default-backend manifest (template label name: glbc).
// From memory, not checked: the heapster and event-exporter container commands, the
// prometheus-to-sd and cluster-proportional-autoscaler tags, kube-proxy's command line.
import { hexId } from './naming';
import type { KubeObject } from '../apimachinery/kube-object';

const NAMESPACE = 'kube-system';

const ADDON = { 'addonmanager.kubernetes.io/mode': 'Reconcile' } as const;
const CLUSTER_SERVICE = { 'kubernetes.io/cluster-service': 'true' } as const;

interface ContainerSketch {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  args?: string[];
  command?: string[];
  env?: { name: string; value: string }[];
}

/** An object of kube-system: the apiVersion, kind and metadata every seed object starts with. */
function kubeSystemObject(
  apiVersion: string,
  kind: string,
  name: string,
  labels: Record<string, string>,
  spec?: Record<string, unknown>,
): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace: NAMESPACE, labels }, ...(spec ? { spec } : {}) };
}

function service(
  name: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
  clusterIP: string,
  ports: Record<string, unknown>[],
  type = 'ClusterIP',
): KubeObject {
  return kubeSystemObject('v1', 'Service', name, labels, {
    clusterIP,
    ports: ports.map((port) => ({ protocol: 'TCP', ...port })),
    selector,
    sessionAffinity: 'None',
    type,
  });
}

/** What GKE's addon pods carry so the rescheduler and seccomp treat them as critical system pods. */
const CRITICAL_ADDON = {
  'scheduler.alpha.kubernetes.io/critical-pod': '',
  'seccomp.security.alpha.kubernetes.io/pod': 'docker/default',
};

function podTemplate(
  labels: Record<string, string>,
  containers: ContainerSketch[],
  extra: Record<string, unknown> = {},
  annotations?: Record<string, string>,
): Record<string, unknown> {
  return {
    metadata: { labels, ...(annotations ? { annotations } : {}) },
    spec: {
      containers: containers.map((c) => ({
        ...c,
        imagePullPolicy: 'IfNotPresent',
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      })),
      dnsPolicy: 'ClusterFirst',
      priorityClassName: 'system-cluster-critical',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      ...extra,
    },
  };
}

/** An addon workload's name, labels and selector. */
interface Addon {
  name: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
}

/**
 * The workload of the addon selected by `k8s-app: <app>`: a versioned one is named `<app>-<version>`
 * and carries the version in its labels and selector, as GKE's manifests have it.
 */
function addon(app: string, { name, version, clusterService = true, labels = {} }: AddonOptions = {}): Addon {
  const versionLabel: Record<string, string> = version ? { version } : {};
  return {
    name: name ?? (version ? `${app}-${version}` : app),
    labels: { ...ADDON, 'k8s-app': app, ...(clusterService ? CLUSTER_SERVICE : {}), ...labels, ...versionLabel },
    selector: { 'k8s-app': app, ...versionLabel },
  };
}

interface AddonOptions {
  name?: string;
  version?: string;
  /** Whether the addon carries `kubernetes.io/cluster-service: "true"`; the logging agents' helpers do not. */
  clusterService?: boolean;
  labels?: Record<string, string>;
}

function deployment(
  { name, labels, selector }: Addon,
  containers: ContainerSketch[],
  extra: Record<string, unknown> = {},
  replicas = 1,
  template: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): KubeObject {
  return kubeSystemObject('apps/v1', 'Deployment', name, labels, {
    replicas,
    selector: { matchLabels: selector },
    template: podTemplate({ ...selector, ...template.labels }, containers, extra, template.annotations),
  });
}

function daemonSet(
  { name, labels, selector }: Addon,
  containers: ContainerSketch[],
  extra: Record<string, unknown> = {},
): KubeObject {
  return kubeSystemObject('apps/v1', 'DaemonSet', name, labels, {
    selector: { matchLabels: selector },
    template: podTemplate({ ...selector }, containers, { ...extra, priorityClassName: 'system-node-critical' }),
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
  });
}

const PROMETHEUS_TO_SD: ContainerSketch = {
  name: 'prometheus-to-sd',
  image: 'k8s.gcr.io/prometheus-to-sd:v0.4.2',
  command: ['/monitor'],
};

/**
 * The command of a prometheus-to-sd sidecar: `/monitor` with the Stackdriver flags every addon
 * passes, the addon's own flags before them, its metric whitelist and trailing flags after.
 */
function monitorCommand(lead: string[], whitelistedMetrics: string[] = [], trail: string[] = []): string[] {
  return [
    '/monitor',
    ...lead,
    '--stackdriver-prefix=container.googleapis.com/internal/addons',
    '--api-override=https://monitoring.googleapis.com/',
    ...(whitelistedMetrics.length > 0 ? [`--whitelisted-metrics=${whitelistedMetrics.join(',')}`] : []),
    '--pod-id=$(POD_NAME)',
    '--namespace-id=$(POD_NAMESPACE)',
    ...trail,
  ];
}

/** A DNS server's two ports on one number: UDP, then TCP, as kube-dns names and orders them. */
function dnsPorts(udpName: string, tcpName: string, containerPort: number): ContainerSketch['ports'] & object {
  return [
    { name: udpName, containerPort, protocol: 'UDP' },
    { name: tcpName, containerPort, protocol: 'TCP' },
  ];
}

/** GKE's default StorageClass: the addon manager's cluster/addons/storage-class/gce/default.yaml (`kubectl get sc`: standard (default), kubernetes.io/gce-pd). */
function defaultStorageClass(): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: 'standard',
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      labels: { 'addonmanager.kubernetes.io/mode': 'EnsureExists', ...CLUSTER_SERVICE },
    },
    provisioner: 'kubernetes.io/gce-pd',
    parameters: { type: 'pd-standard' },
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}

/** kube-system as a new GKE 1.13.7 cluster has it: Services, Deployments, DaemonSets and the ServiceAccounts they run as. */
export function gkeSeedObjects(): KubeObject[] {
  const serviceAccounts = [
    'kube-dns',
    'kube-dns-autoscaler',
    'heapster',
    'metrics-server',
    'event-exporter-sa',
    'fluentd-gcp',
    'fluentd-gcp-scaler',
  ].map((name) => kubeSystemObject('v1', 'ServiceAccount', name, { ...ADDON, ...CLUSTER_SERVICE }));
  return [
    ...serviceAccounts,
    defaultStorageClass(),
    service(
      'kube-dns',
      { ...ADDON, 'k8s-app': 'kube-dns', ...CLUSTER_SERVICE, 'kubernetes.io/name': 'KubeDNS' },
      { 'k8s-app': 'kube-dns' },
      '10.3.240.10',
      [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
    ),
    service(
      'default-http-backend',
      { ...ADDON, 'k8s-app': 'glbc', ...CLUSTER_SERVICE, 'kubernetes.io/name': 'GLBCDefaultBackend' },
      { 'k8s-app': 'glbc' },
      '10.3.245.54',
      [{ name: 'http', port: 80, targetPort: 8080 }],
      'NodePort',
    ),
    service(
      'heapster',
      { ...ADDON, ...CLUSTER_SERVICE, 'kubernetes.io/name': 'Heapster' },
      { 'k8s-app': 'heapster' },
      '10.3.243.91',
      [{ port: 80, targetPort: 8082 }],
    ),
    service(
      'metrics-server',
      { ...ADDON, ...CLUSTER_SERVICE, 'kubernetes.io/name': 'Metrics-server' },
      { 'k8s-app': 'metrics-server' },
      '10.3.250.166',
      [{ port: 443, targetPort: 'https' }],
    ),
    deployment(
      addon('kube-dns'),
      [
        {
          name: 'kubedns',
          image: 'k8s.gcr.io/k8s-dns-kube-dns-amd64:1.14.13',
          args: ['--domain=cluster.local.', '--dns-port=10053', '--config-dir=/kube-dns-config', '--v=2'],
          env: [{ name: 'PROMETHEUS_PORT', value: '10055' }],
          ports: [
            ...dnsPorts('dns-local', 'dns-tcp-local', 10053),
            { name: 'metrics', containerPort: 10055, protocol: 'TCP' },
          ],
        },
        {
          name: 'dnsmasq',
          image: 'k8s.gcr.io/k8s-dns-dnsmasq-nanny-amd64:1.14.13',
          args: [
            '-v=2',
            '-logtostderr',
            '-configDir=/etc/k8s/dns/dnsmasq-nanny',
            '-restartDnsmasq=true',
            '--',
            '-k',
            '--cache-size=1000',
            '--no-negcache',
            '--log-facility=-',
            '--server=/cluster.local/127.0.0.1#10053',
            '--server=/in-addr.arpa/127.0.0.1#10053',
            '--server=/ip6.arpa/127.0.0.1#10053',
          ],
          ports: dnsPorts('dns', 'dns-tcp', 53),
        },
        {
          name: 'sidecar',
          image: 'k8s.gcr.io/k8s-dns-sidecar-amd64:1.14.13',
          args: [
            '--v=2',
            '--logtostderr',
            '--probe=kubedns,127.0.0.1:10053,kubernetes.default.svc.cluster.local,5,SRV',
            '--probe=dnsmasq,127.0.0.1:53,kubernetes.default.svc.cluster.local,5,SRV',
          ],
          ports: [{ name: 'metrics', containerPort: 10054, protocol: 'TCP' }],
        },
        {
          ...PROMETHEUS_TO_SD,
          command: monitorCommand(
            ['--component=kubedns', '--target-port=10054'],
            ['probe_kubedns_latency_ms', 'probe_kubedns_errors', 'dnsmasq_misses', 'dnsmasq_hits'],
            ['--v=2'],
          ),
        },
      ],
      {
        serviceAccountName: 'kube-dns',
        dnsPolicy: 'Default',
        tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      },
      2,
      { annotations: CRITICAL_ADDON },
    ),
    deployment(
      addon('kube-dns-autoscaler'),
      [{ name: 'autoscaler', image: 'k8s.gcr.io/cluster-proportional-autoscaler-amd64:1.3.0' }],
      { serviceAccountName: 'kube-dns-autoscaler' },
    ),
    deployment(
      addon('glbc', { name: 'l7-default-backend', labels: { 'kubernetes.io/name': 'GLBC' } }),
      [
        {
          name: 'default-http-backend',
          image: 'k8s.gcr.io/defaultbackend-amd64:1.5',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
        },
      ],
      {},
      1,
      { labels: { name: 'glbc' } },
    ),
    deployment(
      addon('heapster', { version: 'v1.6.1' }),
      [
        {
          name: 'heapster',
          image: 'k8s.gcr.io/heapster-amd64:v1.6.1',
          command: [
            '/heapster',
            '--source=kubernetes.summary_api:""',
            '--sink=stackdriver:?cluster_name=&use_old_resources=false&use_new_resources=true&min_interval_sec=100&batch_export_timeout_sec=110',
          ],
        },
        {
          name: 'prom-to-sd',
          image: 'k8s.gcr.io/prometheus-to-sd:v0.5.0',
          command: monitorCommand([
            '--source=heapster:http://localhost:8082?whitelisted=stackdriver_requests_count,stackdriver_timeseries_count',
          ]),
        },
        { name: 'heapster-nanny', image: 'k8s.gcr.io/addon-resizer:1.8.4' },
      ],
      { serviceAccountName: 'heapster' },
      1,
      { annotations: CRITICAL_ADDON },
    ),
    deployment(
      addon('metrics-server', { version: 'v0.3.1' }),
      [
        {
          name: 'metrics-server',
          image: 'k8s.gcr.io/metrics-server-amd64:v0.3.1',
          ports: [{ name: 'https', containerPort: 443, protocol: 'TCP' }],
        },
        { name: 'metrics-server-nanny', image: 'k8s.gcr.io/addon-resizer:1.8.4' },
      ],
      { serviceAccountName: 'metrics-server' },
    ),
    deployment(
      addon('event-exporter', { version: 'v0.2.4' }),
      [
        {
          name: 'event-exporter',
          image: 'k8s.gcr.io/event-exporter:v0.2.4',
          command: ['/event-exporter', '-sink-opts=-stackdriver-resource-model=new'],
        },
        {
          name: 'prometheus-to-sd-exporter',
          image: 'k8s.gcr.io/prometheus-to-sd:v0.5.0',
          command: monitorCommand([]),
        },
      ],
      { serviceAccountName: 'event-exporter-sa' },
    ),
    deployment(
      addon('fluentd-gcp-scaler', { clusterService: false }),
      [
        {
          name: 'fluentd-gcp-scaler',
          image: 'k8s.gcr.io/fluentd-gcp-scaler:0.5.2',
          command: ['/scaler.sh', '--ds-name=fluentd-gcp-v3.2.0', '--scaling-policy=fluentd-gcp-scaling-policy'],
        },
      ],
      { serviceAccountName: 'fluentd-gcp-scaler' },
    ),
    daemonSet(
      addon('fluentd-gcp', { version: 'v3.2.0' }),
      [
        { name: 'fluentd-gcp', image: 'gcr.io/stackdriver-agents/stackdriver-logging-agent:0.6-1.6.0-1' },
        {
          name: 'prometheus-to-sd-exporter',
          image: 'k8s.gcr.io/prometheus-to-sd:v0.5.0',
          command: monitorCommand(
            [],
            [
              'stackdriver_sink_received_entry_count',
              'stackdriver_sink_request_count',
              'stackdriver_sink_successfully_sent_entry_count',
            ],
          ),
        },
      ],
      {
        serviceAccountName: 'fluentd-gcp',
        hostNetwork: true,
        dnsPolicy: 'Default',
        nodeSelector: { 'beta.kubernetes.io/fluentd-ds-ready': 'true' },
      },
    ),
    daemonSet(
      addon('prometheus-to-sd', { clusterService: false }),
      [{ ...PROMETHEUS_TO_SD, image: 'k8s.gcr.io/prometheus-to-sd:v0.5.0' }],
      { hostNetwork: true, nodeSelector: { 'beta.kubernetes.io/os': 'linux' } },
    ),
  ];
}

/**
 * kube-proxy's mirror pod on a node: GKE runs it as a static pod from the node's manifest
 * directory, so the API shows `kube-proxy-<node>` owned by no controller.
 */
export function kubeProxyMirrorPod(nodeName: string, kubeVersion: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `kube-proxy-${nodeName}`,
      namespace: NAMESPACE,
      labels: { component: 'kube-proxy', tier: 'node' },
      annotations: {
        'kubernetes.io/config.hash': hexId(`kube-proxy/${nodeName}`).slice(0, 32),
        'kubernetes.io/config.mirror': hexId(`kube-proxy/${nodeName}`).slice(0, 32),
        'kubernetes.io/config.source': 'file',
        ...CRITICAL_ADDON,
      },
    },
    spec: {
      containers: [
        {
          name: 'kube-proxy',
          image: `k8s.gcr.io/kube-proxy:${kubeVersion}`,
          command: [
            '/bin/sh',
            '-c',
            'exec kube-proxy --kubeconfig=/var/lib/kube-proxy/kubeconfig --cluster-cidr=10.0.0.0/14 --oom-score-adj=-998 --v=2',
          ],
          imagePullPolicy: 'IfNotPresent',
          resources: { requests: { cpu: '100m' } },
          securityContext: { privileged: true },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      hostNetwork: true,
      nodeName,
      priorityClassName: 'system-node-critical',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', operator: 'Exists' },
        { effect: 'NoSchedule', operator: 'Exists' },
      ],
    },
  };
}
