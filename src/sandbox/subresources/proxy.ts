// services/proxy (`services/{[scheme:]name[:port]}/proxy/{path}`): answered by the simulated
// container behind the Service (../istio/service-proxy.ts), as the API server's proxy would relay it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceRequest } from '../apimachinery/request-info';
import type { Faults } from '../faults/faults';
import type { ProxyObjects } from '../istio/service-proxy';
import { proxyToService } from '../istio/service-proxy';

export function proxyService(cluster: ProxyObjects, faults: Faults, req: ResourceRequest, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
  const answer = proxyToService(cluster, { namespace: req.namespace!, id: req.name!, rest: req.rest, query, method: request.method ?? 'GET' }, faults);
  response.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
  response.end(request.method === 'HEAD' ? undefined : answer.body);
}
