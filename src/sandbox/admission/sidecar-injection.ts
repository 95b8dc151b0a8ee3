// Istio's automatic sidecar injection, as the API server and Istio's webhook do it together. The
// API server matches a new pod against the MutatingWebhookConfigurations of Istio (rules,
// `namespaceSelector`, `objectSelector`); a matching webhook whose Service has no ready endpoint
// fails the create (`failurePolicy: Fail`), in the API server's words for its release. Otherwise
// the injector decides (policy, `sidecar.istio.io/inject`) and adds what its template adds: the
// `istio-init` init container, the `istio-proxy` container, their volumes and the
// `sidecar.istio.io/status` annotation, reading hub, tag and proxy settings from the cluster's
// `istio-sidecar-injector` ConfigMap (`values`, `config`) and the mesh's `defaultConfig` (ConfigMap
// `istio`). Sources: istio/istio release-1.2 install/kubernetes/helm/istio/files/injection-template.yaml
// and pkg/kube/inject/webhook.go; release-1.26 manifests/charts/istio-control/istio-discovery/files/
// injection-template.yaml; kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/admission/plugin/
// webhook (errors.go, mutating/dispatcher.go) of release-1.13 and master.
import { createHash } from 'node:crypto';
import * as yaml from 'js-yaml';
import { applyDefaults } from '../apimachinery/defaults';
import type { KubeObject } from '../apimachinery/kube-object';
import type { ObjectStorage } from '../storage/storage';
import { StatusError } from '../apimachinery/status-error';
import type { Json } from '../apimachinery/objects';
import { asJson, asList, selectorMatches } from '../apimachinery/objects';
import type { AdmissionPlugin } from './admission';

const WEBHOOK_CONFIGURATIONS = 'admissionregistration.k8s.io/mutatingwebhookconfigurations';
const INJECT_ANNOTATION = 'sidecar.istio.io/inject';
const STATUS_ANNOTATION = 'sidecar.istio.io/status';
/** Namespaces Istio's injector never touches (pkg/kube/inject: ignoredNamespaces). */
const IGNORED_NAMESPACES = ['kube-system', 'kube-public'];

/** A webhook's namespaceSelector / objectSelector, as the API server applies them: an empty one selects everything. */
const webhookSelects = (selector: unknown, labels: Record<string, string> | undefined): boolean =>
  selectorMatches(selector, labels, { emptySelects: 'all' });

const includesOrStar = (list: unknown, value: string): boolean =>
  Array.isArray(list) && (list.includes(value) || list.includes('*'));

/** Whether a webhook's rules cover CREATE of core/v1 pods. */
function coversPodCreate(webhook: Json): boolean {
  return asList(webhook.rules).some(
    (rule) =>
      includesOrStar(rule.operations, 'CREATE') &&
      includesOrStar(rule.apiGroups, '') &&
      includesOrStar(rule.apiVersions, 'v1') &&
      includesOrStar(rule.resources, 'pods'),
  );
}

/** An Istio injector webhook: named `*sidecar-injector.istio.io`, served by an in-cluster Service. */
function isIstioInjector(webhook: Json): boolean {
  return (
    String(webhook.name ?? '').endsWith('sidecar-injector.istio.io') &&
    asJson(asJson(webhook.clientConfig).service).name !== undefined
  );
}

function minorVersion(kubeVersion: string): number {
  const match = /^v?\d+\.(\d+)/.exec(kubeVersion);
  return match ? Number(match[1]) : 13;
}

/**
 * The API server's message for a webhook it could not reach: `admission webhook` before 1.13,
 * quoted URLs (servers built with Go 1.14+) from 1.19, `failed to call webhook:` from 1.22; the
 * `?timeout=` is the webhook's timeoutSeconds (30 s by default for v1beta1 configurations, 10 s for v1).
 */
function callFailure(kubeVersion: string, webhook: Json, reason: string): string {
  const minor = minorVersion(kubeVersion);
  const service = asJson(asJson(webhook.clientConfig).service);
  const timeout = Number(webhook.timeoutSeconds ?? (webhook.admissionReviewVersions ? 10 : 30));
  const url = `https://${String(service.name)}.${String(service.namespace)}.svc:${Number(service.port ?? 443)}${String(service.path ?? '')}?timeout=${timeout}s`;
  const post = minor >= 19 ? `Post "${url}"` : `Post ${url}`;
  const what = minor >= 13 ? 'webhook' : 'admission webhook';
  return `failed calling ${what} "${String(webhook.name)}": ${minor >= 22 ? 'failed to call webhook: ' : ''}${post}: ${reason}`;
}

function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** Why the webhook's Service cannot be called, or undefined when it has a ready endpoint. */
function unreachable(store: ObjectStorage, namespace: string, name: string): string | undefined {
  if (!store.get('/services', namespace, name)) return `service "${name}" not found`;
  const endpoints = store.get('/endpoints', namespace, name);
  const isReady = asList(endpoints?.subsets).some((subset) => asList(subset.addresses).length > 0);
  return isReady ? undefined : `no endpoints available for service "${name}"`;
}

/** The injector's decision (1.2 pkg/kube/inject injectRequired): annotation first, then the policy. */
function injectRequired(pod: KubeObject, policy: string): boolean {
  if (asJson(pod.spec).hostNetwork === true) return false;
  if (IGNORED_NAMESPACES.includes(pod.metadata.namespace ?? '')) return false;
  const annotations = pod.metadata.annotations ?? {};
  if (annotations[STATUS_ANNOTATION]) return false;
  const requested = (annotations[INJECT_ANNOTATION] ?? pod.metadata.labels?.[INJECT_ANNOTATION])?.toLowerCase();
  if (requested !== undefined && ['y', 'yes', 'true', 'on'].includes(requested)) return true;
  if (requested !== undefined && ['n', 'no', 'false', 'off'].includes(requested)) return false;
  return policy === 'enabled';
}

/** What the injector reads from the cluster: its ConfigMap and the mesh's proxy defaults. */
interface InjectorSettings {
  readonly policy: string;
  readonly template: string;
  readonly global: Json;
  readonly proxyConfig: Json;
}

function injectorSettings(store: ObjectStorage, namespace: string): InjectorSettings {
  const data = asJson(store.get('/configmaps', namespace, 'istio-sidecar-injector')?.data);
  const config = asJson(yaml.load(String(data.config ?? '')));
  const values = asJson(data.values ? JSON.parse(String(data.values)) : {});
  const mesh = asJson(yaml.load(String(asJson(store.get('/configmaps', namespace, 'istio')?.data).mesh ?? '')));
  return {
    policy: String(config.policy ?? 'enabled'),
    template: String(config.template ?? ''),
    global: asJson(values.global),
    proxyConfig: asJson(mesh.defaultConfig),
  };
}

function image(global: Json, name: unknown, fallback: string): string {
  const value = String(name ?? fallback);
  return value.includes('/')
    ? value
    : `${String(global.hub ?? 'docker.io/istio')}/${value}:${String(global.tag ?? '')}`;
}

/** The pod's container ports, comma-separated (the template's `applicationPorts`/`includeInboundPorts`). */
function applicationPorts(pod: KubeObject): string {
  return asList(asJson(pod.spec).containers)
    .flatMap((container) => asList(container.ports))
    .filter((port) => port.protocol === undefined || port.protocol === 'TCP')
    .map((port) => String(port.containerPort))
    .join(',');
}

/** The workload's name: the Deployment behind a ReplicaSet, another controller, or the pod itself. */
function workloadName(pod: KubeObject): string {
  const owner = pod.metadata.ownerReferences?.find((ref) => ref.controller);
  if (!owner) return pod.metadata.name ?? 'istio-proxy';
  return owner.kind === 'ReplicaSet' ? owner.name.replace(/-[a-z0-9]+$/, '') : owner.name;
}

const fieldEnv = (name: string, fieldPath: string): Json => ({ name, valueFrom: { fieldRef: { fieldPath } } });

/** Istio 1.0–1.4 (release-1.2 injection-template.yaml with the demo's values). */
function legacySidecar(
  pod: KubeObject,
  settings: InjectorSettings,
): { initContainers: Json[]; containers: Json[]; volumes: Json[] } {
  const { global, proxyConfig } = settings;
  const proxy = asJson(global.proxy);
  const annotations = pod.metadata.annotations ?? {};
  const labels = pod.metadata.labels ?? {};
  const statusPort = String(annotations['status.sidecar.istio.io/port'] ?? proxy.statusPort ?? 15020);
  const ports = applicationPorts(pod);
  const interception = String(
    annotations['sidecar.istio.io/interceptionMode'] ?? proxyConfig.interceptionMode ?? 'REDIRECT',
  );
  const excludeInbound = [statusPort, String(proxy.excludeInboundPorts ?? '')].filter(Boolean).join(',');
  const pullPolicy = String(global.imagePullPolicy ?? 'IfNotPresent');
  const zipkin = asJson(asJson(proxyConfig.tracing).zipkin).address;
  const init: Json = {
    name: 'istio-init',
    image: image(global, asJson(global.proxy_init).image, 'proxy_init'),
    args: [
      '-p',
      '15001',
      '-u',
      '1337',
      '-m',
      interception,
      '-i',
      String(proxy.includeIPRanges ?? '*'),
      '-x',
      String(proxy.excludeIPRanges ?? ''),
      '-b',
      ports,
      '-d',
      excludeInbound,
    ],
    imagePullPolicy: pullPolicy,
    resources: { limits: { cpu: '100m', memory: '50Mi' }, requests: { cpu: '10m', memory: '10Mi' } },
    securityContext: { capabilities: { add: ['NET_ADMIN'] }, runAsNonRoot: false, runAsUser: 0 },
  };
  const args = [
    'proxy',
    'sidecar',
    '--domain',
    `$(POD_NAMESPACE).svc.${String(proxy.clusterDomain ?? 'cluster.local')}`,
    '--configPath',
    String(proxyConfig.configPath ?? '/etc/istio/proxy'),
    '--binaryPath',
    String(proxyConfig.binaryPath ?? '/usr/local/bin/envoy'),
    '--serviceCluster',
    labels.app ? `${labels.app}.$(POD_NAMESPACE)` : `${workloadName(pod)}.${pod.metadata.namespace ?? 'default'}`,
    '--drainDuration',
    String(proxyConfig.drainDuration ?? '45s'),
    '--parentShutdownDuration',
    String(proxyConfig.parentShutdownDuration ?? '1m0s'),
    '--discoveryAddress',
    String(
      annotations['sidecar.istio.io/discoveryAddress'] ??
        proxyConfig.discoveryAddress ??
        'istio-pilot.istio-system:15010',
    ),
    ...(proxy.tracer === 'zipkin' && zipkin ? ['--zipkinAddress', String(zipkin)] : []),
    '--dnsRefreshRate',
    String(proxy.dnsRefreshRate ?? '300s'),
    '--connectTimeout',
    String(proxyConfig.connectTimeout ?? '10s'),
    '--proxyAdminPort',
    String(proxyConfig.proxyAdminPort ?? 15000),
    ...(Number(proxyConfig.concurrency ?? 0) > 0 ? ['--concurrency', String(proxyConfig.concurrency)] : []),
    '--controlPlaneAuthPolicy',
    String(annotations['sidecar.istio.io/controlPlaneAuthPolicy'] ?? proxyConfig.controlPlaneAuthPolicy ?? 'NONE'),
    '--statusPort',
    statusPort,
    '--applicationPorts',
    ports,
  ];
  const env = [
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('ISTIO_META_POD_NAME', 'metadata.name'),
    fieldEnv('ISTIO_META_CONFIG_NAMESPACE', 'metadata.namespace'),
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: interception },
    { name: 'ISTIO_META_INCLUDE_INBOUND_PORTS', value: ports },
    ...(Object.keys(annotations).length
      ? [{ name: 'ISTIO_METAJSON_ANNOTATIONS', value: `${JSON.stringify(annotations)}\n` }]
      : []),
    ...(Object.keys(labels).length ? [{ name: 'ISTIO_METAJSON_LABELS', value: `${JSON.stringify(labels)}\n` }] : []),
  ];
  const sidecar: Json = {
    name: 'istio-proxy',
    image: image(global, annotations['sidecar.istio.io/proxyImage'] ?? proxy.image, 'proxyv2'),
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    args,
    env,
    imagePullPolicy: pullPolicy,
    readinessProbe: {
      httpGet: { path: '/healthz/ready', port: Number(statusPort) },
      initialDelaySeconds: Number(proxy.readinessInitialDelaySeconds ?? 1),
      periodSeconds: Number(proxy.readinessPeriodSeconds ?? 2),
      failureThreshold: Number(proxy.readinessFailureThreshold ?? 30),
    },
    securityContext: { readOnlyRootFilesystem: true, runAsUser: 1337 },
    resources: structuredClone(asJson(proxy.resources)),
    volumeMounts: [
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/etc/certs/', name: 'istio-certs', readOnly: true },
    ],
  };
  const serviceAccount = String(asJson(pod.spec).serviceAccountName ?? 'default');
  const volumes = [
    { emptyDir: { medium: 'Memory' }, name: 'istio-envoy' },
    { name: 'istio-certs', secret: { optional: true, secretName: `istio.${serviceAccount}` } },
  ];
  return { initContainers: [init], containers: [sidecar], volumes };
}

/** Istio 1.5+ (istiod's injection template, the classic init-container form). */
function modernSidecar(
  pod: KubeObject,
  settings: InjectorSettings,
  discoveryService: string,
): { initContainers: Json[]; containers: Json[]; volumes: Json[] } {
  const { global, proxyConfig } = settings;
  const proxy = asJson(global.proxy);
  const proxyImage = image(global, pod.metadata.annotations?.['sidecar.istio.io/proxyImage'] ?? proxy.image, 'proxyv2');
  const statusPort = String(proxy.statusPort ?? 15020);
  const pullPolicy = String(global.imagePullPolicy ?? 'IfNotPresent');
  const caAddress = String(proxyConfig.discoveryAddress ?? `${discoveryService}:15012`);
  const init: Json = {
    name: 'istio-init',
    image: proxyImage,
    args: [
      'istio-iptables',
      '-p',
      '15001',
      '-z',
      '15006',
      '-u',
      '1337',
      '-m',
      'REDIRECT',
      '-i',
      String(proxy.includeIPRanges ?? '*'),
      '-x',
      String(proxy.excludeIPRanges ?? ''),
      '-b',
      '*',
      '-d',
      `15090,15021,${statusPort}`,
      '--log_output_level=default:info',
    ],
    imagePullPolicy: pullPolicy,
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '10m', memory: '40Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    },
  };
  const sidecar: Json = {
    name: 'istio-proxy',
    image: proxyImage,
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    args: [
      'proxy',
      'sidecar',
      '--domain',
      `$(POD_NAMESPACE).svc.${String(proxy.clusterDomain ?? 'cluster.local')}`,
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      { name: 'CA_ADDR', value: caAddress },
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
      fieldEnv('INSTANCE_IP', 'status.podIP'),
      fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
      fieldEnv('HOST_IP', 'status.hostIP'),
      { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.cpu' } } },
      { name: 'PROXY_CONFIG', value: `${JSON.stringify(proxyConfig)}\n` },
      {
        name: 'ISTIO_META_APP_CONTAINERS',
        value: asList(asJson(pod.spec).containers)
          .map((container) => String(container.name))
          .join(','),
      },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
      { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
      { name: 'ISTIO_META_WORKLOAD_NAME', value: workloadName(pod) },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
      { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    ],
    imagePullPolicy: pullPolicy,
    readinessProbe: {
      failureThreshold: 4,
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      periodSeconds: 15,
      successThreshold: 1,
      timeoutSeconds: 3,
    },
    startupProbe: {
      failureThreshold: 600,
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      periodSeconds: 1,
      successThreshold: 1,
      timeoutSeconds: 3,
    },
    resources: structuredClone(asJson(proxy.resources)),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    },
    volumeMounts: [
      { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
      { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
      { mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs' },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
      { mountPath: '/var/lib/istio/data', name: 'istio-data' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
    ],
  };
  const volumes = [
    { emptyDir: {}, name: 'workload-socket' },
    { emptyDir: {}, name: 'credential-socket' },
    { emptyDir: {}, name: 'workload-certs' },
    { emptyDir: { medium: 'Memory' }, name: 'istio-envoy' },
    { emptyDir: {}, name: 'istio-data' },
    {
      downwardAPI: {
        items: [
          { fieldRef: { fieldPath: 'metadata.labels' }, path: 'labels' },
          { fieldRef: { fieldPath: 'metadata.annotations' }, path: 'annotations' },
        ],
      },
      name: 'istio-podinfo',
    },
    {
      name: 'istio-token',
      projected: {
        sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }],
      },
    },
    { configMap: { name: 'istio-ca-root-cert' }, name: 'istiod-ca-cert' },
  ];
  return { initContainers: [init], containers: [sidecar], volumes };
}

/**
 * Calls Istio's injector for a pod being created, as the API server's mutating admission does:
 * mutates `pod` in place and returns true when a sidecar was added; throws the API server's
 * InternalError when a matching webhook cannot be called.
 */
export function admitPodForIstio(pod: KubeObject, store: ObjectStorage, kubeVersion: string): boolean {
  const namespace = store.get('/namespaces', undefined, pod.metadata.namespace ?? 'default');
  const webhooks = store.list(WEBHOOK_CONFIGURATIONS).flatMap((configuration) => asList(configuration.webhooks));
  const webhook = webhooks.find(
    (candidate) =>
      isIstioInjector(candidate) &&
      coversPodCreate(candidate) &&
      webhookSelects(candidate.namespaceSelector, namespace?.metadata.labels) &&
      webhookSelects(candidate.objectSelector, pod.metadata.labels),
  );
  if (!webhook) return false;
  const service = asJson(asJson(webhook.clientConfig).service);
  const serviceNamespace = String(service.namespace);
  const serviceName = String(service.name);
  const failure = unreachable(store, serviceNamespace, serviceName);
  if (failure) {
    if (webhook.failurePolicy === 'Ignore') return false;
    throw internalError(callFailure(kubeVersion, webhook, failure));
  }
  const settings = injectorSettings(store, serviceNamespace);
  if (!injectRequired(pod, settings.policy)) return false;
  const isModern = serviceName.startsWith('istiod');
  const sidecar = isModern
    ? modernSidecar(pod, settings, `${serviceName}.${serviceNamespace}.svc`)
    : legacySidecar(pod, settings);
  const spec = asJson(pod.spec);
  spec.initContainers = [...asList(spec.initContainers), ...sidecar.initContainers];
  spec.containers = [...asList(spec.containers), ...sidecar.containers];
  spec.volumes = [...asList(spec.volumes), ...sidecar.volumes];
  const status: Json = isModern ? {} : { version: createHash('sha256').update(settings.template).digest('hex') };
  Object.assign(status, {
    initContainers: sidecar.initContainers.map((container) => container.name),
    containers: sidecar.containers.map((container) => container.name),
    volumes: sidecar.volumes.map((volume) => volume.name),
    imagePullSecrets: null,
  });
  if (isModern) {
    status.revision = serviceName === 'istiod' ? 'default' : serviceName.slice('istiod-'.length);
    const app = asList(spec.containers)[0]?.name;
    pod.metadata.labels = {
      ...pod.metadata.labels,
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': pod.metadata.labels?.app ?? workloadName(pod),
      'service.istio.io/canonical-revision': pod.metadata.labels?.version ?? 'latest',
    };
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      'istio.io/rev': String(status.revision),
      'kubectl.kubernetes.io/default-container': String(app),
      'kubectl.kubernetes.io/default-logs-container': String(app),
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
    };
  }
  pod.metadata.annotations = { ...pod.metadata.annotations, [STATUS_ANNOTATION]: JSON.stringify(status) };
  return true;
}

/** The injector as a mutating admission plugin; what it adds is defaulted as the rest of the pod was. */
export function sidecarInjector(store: ObjectStorage, kubeVersion: string): AdmissionPlugin {
  return {
    name: 'IstioSidecarInjector',
    operations: ['CREATE'],
    admit({ req, object }) {
      if (req.type.kind === 'Pod' && req.group === '' && admitPodForIstio(object, store, kubeVersion))
        applyDefaults(object, req.group);
    },
  };
}
