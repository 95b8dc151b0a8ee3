// The kube-system add-ons a GKE 1.13 cluster runs before anything is installed: kube-dns, the
// GLBC default backend, metrics-server, heapster, the logging agents and their autoscalers, with
// the labels and images of GKE's addon manifests of that time (kubernetes/kubernetes
// cluster/addons at release-1.13 and what `kubectl get all -n kube-system` showed on GKE 1.13).
// kube-proxy is a static pod per node on GKE, so it belongs to the node controller, not here.
import type { KubeObject } from './kube-object';

const NAMESPACE = 'kube-system';

const ADDON = { 'addonmanager.kubernetes.io/mode': 'Reconcile' } as const;
const CLUSTER_SERVICE = { 'kubernetes.io/cluster-service': 'true' } as const;

interface ContainerSketch {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  args?: string[];
  command?: string[];
}

function service(name: string, labels: Record<string, string>, selector: Record<string, string>, clusterIP: string, ports: Record<string, unknown>[], type = 'ClusterIP'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NAMESPACE, labels },
    spec: { clusterIP, ports: ports.map((port) => ({ protocol: 'TCP', ...port })), selector, sessionAffinity: 'None', type },
  };
}

function podTemplate(labels: Record<string, string>, containers: ContainerSketch[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: { labels },
    spec: {
      containers: containers.map((c) => ({ ...c, imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' })),
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

function deployment(name: string, labels: Record<string, string>, selector: Record<string, string>, containers: ContainerSketch[], extra: Record<string, unknown> = {}, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, labels },
    spec: { replicas, selector: { matchLabels: selector }, template: podTemplate({ ...selector }, containers, extra) },
  };
}

function daemonSet(name: string, labels: Record<string, string>, selector: Record<string, string>, containers: ContainerSketch[], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: NAMESPACE, labels },
    spec: {
      selector: { matchLabels: selector },
      template: podTemplate({ ...selector }, containers, { ...extra, priorityClassName: 'system-node-critical' }),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    },
  };
}

const PROMETHEUS_TO_SD: ContainerSketch = { name: 'prometheus-to-sd', image: 'k8s.gcr.io/prometheus-to-sd:v0.4.2', command: ['/monitor'] };

/** kube-system as a new GKE 1.13.7 cluster has it: Services, Deployments, DaemonSets and the ServiceAccounts they run as. */
export function gkeSeedObjects(): KubeObject[] {
  const serviceAccounts = ['kube-dns', 'kube-dns-autoscaler', 'heapster', 'metrics-server', 'event-exporter-sa', 'fluentd-gcp', 'fluentd-gcp-scaler'].map(
    (name): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NAMESPACE, labels: { ...ADDON, ...CLUSTER_SERVICE } } }),
  );
  return [
    ...serviceAccounts,
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
      'kube-dns',
      { ...ADDON, 'k8s-app': 'kube-dns', ...CLUSTER_SERVICE },
      { 'k8s-app': 'kube-dns' },
      [
        {
          name: 'kubedns',
          image: 'k8s.gcr.io/k8s-dns-kube-dns-amd64:1.14.13',
          args: ['--domain=cluster.local.', '--dns-port=10053', '--config-dir=/kube-dns-config', '--v=2'],
          ports: [
            { name: 'dns-local', containerPort: 10053, protocol: 'UDP' },
            { name: 'dns-tcp-local', containerPort: 10053, protocol: 'TCP' },
            { name: 'metrics', containerPort: 10055, protocol: 'TCP' },
          ],
        },
        {
          name: 'dnsmasq',
          image: 'k8s.gcr.io/k8s-dns-dnsmasq-nanny-amd64:1.14.13',
          ports: [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
          ],
        },
        { name: 'sidecar', image: 'k8s.gcr.io/k8s-dns-sidecar-amd64:1.14.13', ports: [{ name: 'metrics', containerPort: 10054, protocol: 'TCP' }] },
        { ...PROMETHEUS_TO_SD, image: 'k8s.gcr.io/prometheus-to-sd:v0.4.2' },
      ],
      { serviceAccountName: 'kube-dns', dnsPolicy: 'Default' },
      2,
    ),
    deployment(
      'kube-dns-autoscaler',
      { ...ADDON, 'k8s-app': 'kube-dns-autoscaler', ...CLUSTER_SERVICE },
      { 'k8s-app': 'kube-dns-autoscaler' },
      [{ name: 'autoscaler', image: 'k8s.gcr.io/cluster-proportional-autoscaler-amd64:1.3.0' }],
      { serviceAccountName: 'kube-dns-autoscaler' },
    ),
    deployment(
      'l7-default-backend',
      { ...ADDON, 'k8s-app': 'glbc', ...CLUSTER_SERVICE, 'kubernetes.io/name': 'GLBC' },
      { 'k8s-app': 'glbc' },
      [{ name: 'default-http-backend', image: 'k8s.gcr.io/defaultbackend-amd64:1.5', ports: [{ containerPort: 8080, protocol: 'TCP' }] }],
    ),
    deployment(
      'heapster-v1.6.1',
      { ...ADDON, 'k8s-app': 'heapster', ...CLUSTER_SERVICE, version: 'v1.6.1' },
      { 'k8s-app': 'heapster', version: 'v1.6.1' },
      [
        { name: 'heapster', image: 'k8s.gcr.io/heapster-amd64:v1.6.1', command: ['/heapster', '--source=kubernetes.summary_api:""', '--sink=stackdriver:?cluster_name=&use_old_resources=false&use_new_resources=true&min_interval_sec=100&batch_export_timeout_sec=110'] },
        { name: 'heapster-nanny', image: 'k8s.gcr.io/addon-resizer:1.8.4' },
      ],
      { serviceAccountName: 'heapster' },
    ),
    deployment(
      'metrics-server-v0.3.1',
      { ...ADDON, 'k8s-app': 'metrics-server', ...CLUSTER_SERVICE, version: 'v0.3.1' },
      { 'k8s-app': 'metrics-server', version: 'v0.3.1' },
      [
        { name: 'metrics-server', image: 'k8s.gcr.io/metrics-server-amd64:v0.3.1', ports: [{ name: 'https', containerPort: 443, protocol: 'TCP' }] },
        { name: 'metrics-server-nanny', image: 'k8s.gcr.io/addon-resizer:1.8.4' },
      ],
      { serviceAccountName: 'metrics-server' },
    ),
    deployment(
      'event-exporter-v0.2.4',
      { ...ADDON, 'k8s-app': 'event-exporter', ...CLUSTER_SERVICE, version: 'v0.2.4' },
      { 'k8s-app': 'event-exporter', version: 'v0.2.4' },
      [
        { name: 'event-exporter', image: 'k8s.gcr.io/event-exporter:v0.2.4', command: ['/event-exporter', '-sink-opts=-stackdriver-resource-model=new'] },
        { name: 'prometheus-to-sd-exporter', image: 'k8s.gcr.io/prometheus-to-sd:v0.5.0', command: ['/monitor', '--stackdriver-prefix=container.googleapis.com/internal/addons', '--api-override=https://monitoring.googleapis.com/', '--pod-id=$(POD_NAME)', '--namespace-id=$(POD_NAMESPACE)'] },
      ],
      { serviceAccountName: 'event-exporter-sa' },
    ),
    deployment(
      'fluentd-gcp-scaler',
      { ...ADDON, 'k8s-app': 'fluentd-gcp-scaler' },
      { 'k8s-app': 'fluentd-gcp-scaler' },
      [{ name: 'fluentd-gcp-scaler', image: 'k8s.gcr.io/fluentd-gcp-scaler:0.5.2', command: ['/scaler.sh', '--ds-name=fluentd-gcp-v3.2.0', '--scaling-policy=fluentd-gcp-scaling-policy'] }],
      { serviceAccountName: 'fluentd-gcp-scaler' },
    ),
    daemonSet(
      'fluentd-gcp-v3.2.0',
      { ...ADDON, 'k8s-app': 'fluentd-gcp', ...CLUSTER_SERVICE, version: 'v3.2.0' },
      { 'k8s-app': 'fluentd-gcp', version: 'v3.2.0' },
      [
        { name: 'fluentd-gcp', image: 'gcr.io/stackdriver-agents/stackdriver-logging-agent:0.6-1.6.0-1' },
        { name: 'prometheus-to-sd-exporter', image: 'k8s.gcr.io/prometheus-to-sd:v0.5.0', command: ['/monitor', '--stackdriver-prefix=container.googleapis.com/internal/addons', '--api-override=https://monitoring.googleapis.com/', '--whitelisted-metrics=stackdriver_sink_received_entry_count,stackdriver_sink_request_count,stackdriver_sink_successfully_sent_entry_count', '--pod-id=$(POD_NAME)', '--namespace-id=$(POD_NAMESPACE)'] },
      ],
      { serviceAccountName: 'fluentd-gcp', hostNetwork: true, dnsPolicy: 'Default', nodeSelector: { 'beta.kubernetes.io/fluentd-ds-ready': 'true' } },
    ),
    daemonSet(
      'prometheus-to-sd',
      { ...ADDON, 'k8s-app': 'prometheus-to-sd' },
      { 'k8s-app': 'prometheus-to-sd' },
      [{ ...PROMETHEUS_TO_SD, image: 'k8s.gcr.io/prometheus-to-sd:v0.5.0' }],
      { hostNetwork: true, nodeSelector: { 'beta.kubernetes.io/os': 'linux' } },
    ),
  ];
}
