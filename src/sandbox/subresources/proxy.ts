// The proxy subresources, answered as the API server's proxy would relay them:
// services/proxy (`services/{[scheme:]name[:port]}/proxy/{path}`) by the simulated container behind
// the Service (../istio/service-proxy.ts); pods/proxy (`pods/{[scheme:]name[:port]}/proxy/{path}`)
// by the simulated container in the pod; nodes/proxy (`nodes/{name}/proxy/{path}`) by the node's
// simulated kubelet, which serves `/healthz` and `/pods` and answers 404 like the kubelet otherwise.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../apimachinery/kube-object';
import type { ResourceRequest } from '../apimachinery/request-info';
import { badRequest, notFound } from '../apimachinery/status-error';
import type { Faults } from '../faults/faults';
import type { ProxyObjects } from '../istio/service-proxy';
import { clusterViewOf, proxyToService, splitSchemeNamePort } from '../istio/service-proxy';
import type { ContainerResponse } from '../istio/simulated-containers';
import { answerFromPod } from '../istio/simulated-containers';

/** A request to a proxy subresource, and where its answer goes. */
export interface ProxyCall {
  readonly req: ResourceRequest;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly query: URLSearchParams;
}

function send({ request, response }: ProxyCall, answer: ContainerResponse): void {
  response.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
  });
  response.end(request.method === 'HEAD' ? undefined : answer.body);
}

const plain = (status: number, body: string): ContainerResponse => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body,
});

/** What the proxy answers when nothing listens where it dials. */
const connectionRefused = (scheme: string, host: string, port: number, path: string): ContainerResponse =>
  plain(
    503,
    `Error: 'dial tcp ${host}:${port}: connect: connection refused'\nTrying to reach: '${scheme}://${host}:${port}${path}'`,
  );

export function proxyService(cluster: ProxyObjects, faults: Faults, call: ProxyCall): void {
  const { req, request, query } = call;
  send(
    call,
    proxyToService(
      cluster,
      { namespace: req.namespace!, id: req.name!, rest: req.rest, query, method: request.method ?? 'GET' },
      faults,
    ),
  );
}

/**
 * pods/proxy as kubernetes/kubernetes v1.13 pkg/registry/core/pod/strategy.go ResourceLocation
 * finds it: `name`, `name:port` or `scheme:name:port`; without a port, the first port a container
 * declares (else the scheme's default, 80); a pod without an IP is refused by
 * proxyutil.IsProxyableIP ("address not allowed").
 */
export function proxyPod(cluster: ProxyObjects, faults: Faults, call: ProxyCall): void {
  const { req, request, query } = call;
  const id = splitSchemeNamePort(req.name!);
  if (!id) throw badRequest(`invalid pod request "${req.name}"`);
  const pod = cluster.get('pods', req.namespace!, id.name);
  if (!pod) throw notFound('', 'pods', id.name);
  const containers =
    (pod.spec as { containers?: { ports?: { containerPort: number }[] }[] } | undefined)?.containers ?? [];
  const declared = containers.find((container) => container.ports?.length)?.ports?.[0].containerPort;
  const scheme = id.scheme || 'http';
  const port = id.port ? Number(id.port) : (declared ?? (scheme === 'https' ? 443 : 80));
  const ip = (pod.status as { podIP?: string } | undefined)?.podIP;
  if (!ip) throw badRequest('address not allowed');
  const path = `/${req.rest.join('/')}`;
  const answer = Number.isInteger(port)
    ? answerFromPod(
        pod,
        port,
        { method: request.method ?? 'GET', path, query, cluster: clusterViewOf(cluster) },
        faults,
      )
    : undefined;
  send(call, answer ?? connectionRefused(scheme, ip, port, path));
}

/** The kubelet's port, as the node's status publishes it (daemonEndpoints.kubeletEndpoint). */
function kubeletPort(node: KubeObject): number {
  return (
    (node.status as { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } | undefined)?.daemonEndpoints
      ?.kubeletEndpoint?.Port ?? 10250
  );
}

function nodeAddress(node: KubeObject): string {
  const addresses = (node.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? [];
  return addresses.find((a) => a.type === 'InternalIP')?.address ?? addresses[0]?.address ?? node.metadata.name!;
}

/** The few kubelet endpoints the sandbox simulates (pkg/kubelet/server/server.go); 404 as Go's mux answers otherwise. */
function kubeletAnswer(node: KubeObject, pods: readonly KubeObject[], method: string, path: string): ContainerResponse {
  if (method === 'GET' || method === 'HEAD') {
    if (path === '/healthz') return plain(200, 'ok');
    if (path === '/pods' || path === '/pods/') {
      const items = pods.filter(
        (pod) => (pod.spec as { nodeName?: string } | undefined)?.nodeName === node.metadata.name,
      );
      return {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items }),
      };
    }
  }
  return plain(404, '404 page not found\n');
}

/**
 * nodes/proxy as kubernetes/kubernetes v1.13 pkg/registry/core/node/strategy.go ResourceLocation
 * finds it: without a port, or with the kubelet's, the node's kubelet; another port is dialled on
 * the node, where nothing of the sandbox listens.
 */
export function proxyNode(
  nodeNamed: (name: string) => KubeObject | undefined,
  pods: readonly KubeObject[],
  call: ProxyCall,
): void {
  const { req, request } = call;
  const id = splitSchemeNamePort(req.name!);
  if (!id) throw badRequest(`invalid node request "${req.name}"`);
  const node = nodeNamed(id.name);
  if (!node) throw notFound('', 'nodes', id.name);
  const path = `/${req.rest.join('/')}`;
  const port = kubeletPort(node);
  if (id.port && Number(id.port) !== port) {
    send(call, connectionRefused(id.scheme || 'http', nodeAddress(node), Number(id.port), path));
    return;
  }
  send(call, kubeletAnswer(node, pods, request.method ?? 'GET', path));
}
