// Istio's components as data: which role group each belongs to, its display name and a one-line
// explanation of what it does, in English and Korean (used in tooltips and the diagram).

/** The groups of the pod tree, in the order they are shown. */
export const ROLE_GROUPS = ['control', 'gateways', 'sidecars', 'nodeAgents', 'addons', 'jobs', 'other'] as const;
export type RoleGroup = (typeof ROLE_GROUPS)[number];

export type ComponentId =
  | 'pilot'
  | 'istiod'
  | 'mixer-policy'
  | 'mixer-telemetry'
  | 'citadel'
  | 'galley'
  | 'sidecar-injector'
  | 'nodeagent'
  | 'statsd-prom-bridge'
  | 'operator'
  | 'ingressgateway'
  | 'egressgateway'
  | 'eastwestgateway'
  | 'gateway'
  | 'waypoint'
  | 'ztunnel'
  | 'istio-cni'
  | 'sidecar'
  | 'grafana'
  | 'prometheus'
  | 'tracing'
  | 'zipkin'
  | 'kiali'
  | 'servicegraph'
  | 'loki'
  | 'grafana-post-install'
  | 'security-post-install'
  | 'cleanup-secrets'
  | 'init-crd'
  | 'job'
  | 'other';

export interface Explanation {
  readonly en: string;
  readonly ko: string;
}

export interface ComponentInfo {
  readonly id: ComponentId;
  readonly group: RoleGroup;
  /** The name Istio's documentation uses; not translated. */
  readonly title: string;
  /** Which releases ship it: 1.0–1.4 (legacy), 1.5+ (modern), ambient mode, or any. */
  readonly era: 'legacy' | 'modern' | 'ambient' | 'any';
  readonly explanation: Explanation;
}

const component = (
  id: ComponentId,
  group: RoleGroup,
  title: string,
  era: ComponentInfo['era'],
  en: string,
  ko: string,
): ComponentInfo => ({
  id,
  group,
  title,
  era,
  explanation: { en, ko },
});

export const COMPONENTS: Readonly<Record<ComponentId, ComponentInfo>> = {
  pilot: component(
    'pilot',
    'control',
    'Pilot',
    'legacy',
    'Turns Kubernetes services and Istio routing rules into Envoy configuration and pushes it to every proxy (xDS).',
    'Kubernetes 서비스와 Istio 라우팅 규칙을 Envoy 설정으로 바꿔 모든 프록시에 내려보냅니다(xDS).',
  ),
  istiod: component(
    'istiod',
    'control',
    'istiod',
    'modern',
    'The whole control plane in one process since 1.5: Pilot (proxy configuration), Citadel (certificates), Galley (config validation) and the sidecar injector.',
    '1.5부터 컨트롤 플레인 전체를 한 프로세스로 합친 것입니다: Pilot(프록시 설정), Citadel(인증서), Galley(설정 검증), 사이드카 인젝터.',
  ),
  'mixer-policy': component(
    'mixer-policy',
    'control',
    'Mixer (policy)',
    'legacy',
    "Answers the proxies' policy checks before a request goes through (rate limits, denials, quotas).",
    '요청을 통과시키기 전에 프록시의 정책 검사(속도 제한, 거부, 할당량)에 답합니다.',
  ),
  'mixer-telemetry': component(
    'mixer-telemetry',
    'control',
    'Mixer (telemetry)',
    'legacy',
    'Receives request reports from the proxies and sends metrics, logs and traces to Prometheus and the other back ends.',
    '프록시가 보낸 요청 보고를 받아 메트릭, 로그, 트레이스를 Prometheus 등 백엔드로 보냅니다.',
  ),
  citadel: component(
    'citadel',
    'control',
    'Citadel',
    'legacy',
    "The mesh's certificate authority: issues and rotates the certificates that workloads use for mutual TLS.",
    '메시의 인증 기관입니다: 워크로드가 상호 TLS에 쓰는 인증서를 발급하고 교체합니다.',
  ),
  galley: component(
    'galley',
    'control',
    'Galley',
    'legacy',
    'Validates Istio configuration as it is applied and hands it to the other control-plane components.',
    'Istio 설정이 적용될 때 검증하고 다른 컨트롤 플레인 구성 요소에 전달합니다.',
  ),
  'sidecar-injector': component(
    'sidecar-injector',
    'control',
    'Sidecar injector',
    'legacy',
    'A mutating admission webhook that adds the istio-proxy (Envoy) sidecar to new pods in labelled namespaces.',
    '레이블이 붙은 네임스페이스의 새 Pod에 istio-proxy(Envoy) 사이드카를 추가하는 변경 어드미션 웹훅입니다.',
  ),
  nodeagent: component(
    'nodeagent',
    'control',
    'Node agent (SDS)',
    'legacy',
    'Runs on every node and hands workload certificates from Citadel to the proxies over SDS.',
    '모든 노드에서 실행되며 Citadel의 워크로드 인증서를 SDS로 프록시에 전달합니다.',
  ),
  'statsd-prom-bridge': component(
    'statsd-prom-bridge',
    'control',
    'StatsD–Prometheus bridge',
    'legacy',
    "Istio 1.0: converts the proxies' StatsD metrics into Prometheus metrics.",
    'Istio 1.0: 프록시의 StatsD 메트릭을 Prometheus 메트릭으로 바꿉니다.',
  ),
  operator: component(
    'operator',
    'control',
    'Istio operator',
    'modern',
    'Installs and upgrades Istio from an IstioOperator resource.',
    'IstioOperator 리소스에 따라 Istio를 설치하고 업그레이드합니다.',
  ),
  ingressgateway: component(
    'ingressgateway',
    'gateways',
    'Ingress gateway',
    'any',
    'A standalone Envoy at the edge of the mesh: lets traffic from outside the cluster in, under Gateway and VirtualService rules.',
    '메시 경계의 독립 Envoy입니다: Gateway와 VirtualService 규칙에 따라 클러스터 밖의 트래픽을 들여보냅니다.',
  ),
  egressgateway: component(
    'egressgateway',
    'gateways',
    'Egress gateway',
    'any',
    'A standalone Envoy that traffic leaving the mesh can be sent through, so it can be controlled and observed.',
    '메시를 떠나는 트래픽이 지나가게 할 수 있는 독립 Envoy로, 나가는 트래픽을 통제하고 관찰할 수 있습니다.',
  ),
  eastwestgateway: component(
    'eastwestgateway',
    'gateways',
    'East-west gateway',
    'modern',
    'Connects the mesh across clusters or networks (multi-cluster traffic).',
    '클러스터나 네트워크 사이에서 메시를 잇습니다(멀티 클러스터 트래픽).',
  ),
  gateway: component(
    'gateway',
    'gateways',
    'Gateway',
    'any',
    'An Envoy gateway deployed for a Gateway resource.',
    'Gateway 리소스에 따라 배포된 Envoy 게이트웨이입니다.',
  ),
  waypoint: component(
    'waypoint',
    'gateways',
    'Waypoint proxy',
    'ambient',
    'Ambient mode: an Envoy that applies layer-7 policy and routing for the workloads that use it.',
    '앰비언트 모드: 자신을 쓰는 워크로드에 L7 정책과 라우팅을 적용하는 Envoy입니다.',
  ),
  ztunnel: component(
    'ztunnel',
    'nodeAgents',
    'ztunnel',
    'ambient',
    'Ambient mode: a per-node proxy that gives every pod mutual TLS and layer-4 policy without a sidecar.',
    '앰비언트 모드: 노드마다 실행되어 사이드카 없이 모든 Pod에 상호 TLS와 L4 정책을 제공하는 프록시입니다.',
  ),
  'istio-cni': component(
    'istio-cni',
    'nodeAgents',
    'Istio CNI',
    'any',
    'A node agent that sets up traffic redirection for pods, instead of the privileged istio-init container.',
    '권한이 큰 istio-init 컨테이너 대신 Pod의 트래픽 리디렉션을 설정하는 노드 에이전트입니다.',
  ),
  sidecar: component(
    'sidecar',
    'sidecars',
    'Sidecar proxy',
    'any',
    'An application pod with the istio-proxy (Envoy) sidecar: its traffic goes through Envoy, configured by the control plane.',
    'istio-proxy(Envoy) 사이드카가 붙은 애플리케이션 Pod입니다: 트래픽이 컨트롤 플레인이 설정한 Envoy를 거칩니다.',
  ),
  grafana: component(
    'grafana',
    'addons',
    'Grafana',
    'any',
    "Dashboards of the mesh's metrics (from Prometheus).",
    '메시 메트릭(Prometheus)의 대시보드입니다.',
  ),
  prometheus: component(
    'prometheus',
    'addons',
    'Prometheus',
    'any',
    "Collects and stores the mesh's metrics.",
    '메시의 메트릭을 수집하고 저장합니다.',
  ),
  tracing: component(
    'tracing',
    'addons',
    'Jaeger (tracing)',
    'any',
    'Collects distributed traces of requests across services and shows them.',
    '서비스를 가로지르는 요청의 분산 트레이스를 모아 보여 줍니다.',
  ),
  zipkin: component(
    'zipkin',
    'addons',
    'Zipkin',
    'any',
    'A distributed tracing back end, an alternative to Jaeger.',
    'Jaeger 대신 쓸 수 있는 분산 트레이싱 백엔드입니다.',
  ),
  kiali: component(
    'kiali',
    'addons',
    'Kiali',
    'any',
    'Draws the service graph of the mesh and checks its configuration.',
    '메시의 서비스 그래프를 그리고 설정을 점검합니다.',
  ),
  servicegraph: component(
    'servicegraph',
    'addons',
    'Servicegraph',
    'legacy',
    'Istio 1.0–1.1: a simple graph of which services call which.',
    'Istio 1.0–1.1: 어떤 서비스가 어떤 서비스를 호출하는지 보여 주는 간단한 그래프입니다.',
  ),
  loki: component(
    'loki',
    'addons',
    'Loki',
    'modern',
    "Stores and queries the mesh's logs.",
    '메시의 로그를 저장하고 조회합니다.',
  ),
  'grafana-post-install': component(
    'grafana-post-install',
    'jobs',
    'Grafana post-install job',
    'legacy',
    "Runs once after install to load Istio's dashboards into Grafana; Completed is its normal end state.",
    '설치 후 한 번 실행되어 Grafana에 Istio 대시보드를 넣습니다. Completed가 정상 종료 상태입니다.',
  ),
  'security-post-install': component(
    'security-post-install',
    'jobs',
    'Security post-install job',
    'legacy',
    "Runs once after install to create Citadel's default security resources; Completed is its normal end state.",
    '설치 후 한 번 실행되어 Citadel의 기본 보안 리소스를 만듭니다. Completed가 정상 종료 상태입니다.',
  ),
  'cleanup-secrets': component(
    'cleanup-secrets',
    'jobs',
    'Secret clean-up job',
    'legacy',
    'Deletes the istio.* certificate secrets Citadel created (a Helm post-delete hook that istio-demo.yaml runs at install); Completed is its normal end state.',
    'Citadel이 만든 istio.* 인증서 Secret을 지웁니다(istio-demo.yaml에서는 설치 때 실행되는 Helm post-delete 훅). Completed가 정상 종료 상태입니다.',
  ),
  'init-crd': component(
    'init-crd',
    'jobs',
    'CRD install job',
    'legacy',
    "The istio-init chart's job that registers Istio's custom resource definitions; Completed is its normal end state.",
    'istio-init 차트가 Istio의 CRD를 등록하는 잡입니다. Completed가 정상 종료 상태입니다.',
  ),
  job: component(
    'job',
    'jobs',
    'Job',
    'any',
    'A one-off task of the install; Completed is its normal end state.',
    '설치 과정의 일회성 작업입니다. Completed가 정상 종료 상태입니다.',
  ),
  other: component(
    'other',
    'other',
    'Other',
    'any',
    'A pod in the Istio namespace that Istio Lab does not recognise as an Istio component.',
    'Istio 네임스페이스에 있지만 Istio Lab이 Istio 구성 요소로 알아보지 못한 Pod입니다.',
  ),
};

export function componentInfo(id: ComponentId): ComponentInfo {
  return COMPONENTS[id];
}

/** An explanation in the display language: Korean for `ko*`, English otherwise. */
export function explain(id: ComponentId, language: string): string {
  const { explanation } = COMPONENTS[id];
  return language.toLowerCase().startsWith('ko') ? explanation.ko : explanation.en;
}
