// Writing responses (k8s.io/apiserver pkg/endpoints/handlers/responsewriters): JSON objects, a
// Table when the client asked for one (kubectl get), and lists streamed from objects encoded once.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../apimachinery/kube-object';
import { isKubeObject } from '../apimachinery/kube-object';
import type { ResourceRequest } from '../apimachinery/request-info';
import { parseApiPath } from '../apimachinery/request-info';
import { groupVersion } from '../apimachinery/resource-types';
import type { TableOptions } from '../printers/printing';
import { tableForObject, tableOptionsFromQuery, tableVersionFor, wantsTable } from '../printers/printing';
import { encodeAnswer, needsWholeEncoding } from './negotiation';
import type { HandlerScope } from './scope';
import { crdFor, present } from './scope';

/**
 * JSON of stored objects, encoded once: stored objects are never changed in place (a write
 * stores a new copy), so like the real server's watch cache each version is serialized once.
 */
const serialized = new WeakMap<KubeObject, Buffer>();

function serialize(object: KubeObject): Buffer {
  let json = serialized.get(object);
  if (json === undefined) {
    json = Buffer.from(JSON.stringify(object));
    serialized.set(object, json);
  }
  return json;
}

/** An answer in the format the request negotiated (./negotiation.ts): JSON by default. */
export function writeJson(
  response: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const { text, contentType: type } = encodeAnswer(response, body, contentType);
  response.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** How a request asked for a Table (`includeObject`, Table version); a bad value is a 400 before anything else. */
export function tableOptions(
  request: IncomingMessage,
  query: URLSearchParams,
  req: Pick<ResourceRequest, 'version'>,
): TableOptions {
  return {
    ...tableOptionsFromQuery(query),
    tableVersion: tableVersionFor(request.headers.accept),
    version: req.version,
  };
}

/** One object, or its Table row when the client asked for a Table. */
export function respondObject(
  scope: HandlerScope,
  response: ServerResponse,
  request: IncomingMessage,
  code: number,
  object: KubeObject | Record<string, unknown>,
): void {
  if (wantsTable(request.headers.accept) && isKubeObject(object) && object.kind !== 'Status') {
    const url = new URL(request.url ?? '/', 'https://x');
    const req = parseApiPath(scope.registry, 'GET', url.pathname, url.searchParams);
    if (req?.kind === 'resource' && !req.request.subresource) {
      const options = tableOptions(request, url.searchParams, req.request);
      writeJson(
        response,
        code,
        tableForObject(req.request.type, object as KubeObject, crdFor(scope, req.request.type), scope.now(), options),
      );
      return;
    }
  }
  writeJson(response, code, object);
}

/** Streams the list JSON: at 10k pods one JSON.stringify of the whole list is slower and holds twice the memory. */
export function writeList(
  response: ServerResponse,
  req: ResourceRequest,
  items: KubeObject[],
  metadata: Record<string, unknown>,
): void {
  const apiVersion = groupVersion(req.group, req.version);
  if (needsWholeEncoding(response)) {
    writeJson(response, 200, {
      kind: `${req.type.kind}List`,
      apiVersion,
      metadata,
      items: items.map((item) => present(item, req)),
    });
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  const comma = Buffer.from(',');
  let chunk: Buffer[] = [
    Buffer.from(
      `{"kind":${JSON.stringify(`${req.type.kind}List`)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[`,
    ),
  ];
  let size = 0;
  for (let i = 0; i < items.length; i++) {
    const json = serialize(present(items[i], req));
    if (i) chunk.push(comma);
    chunk.push(json);
    size += json.length;
    if (size > 1024 * 1024) {
      response.write(Buffer.concat(chunk));
      chunk = [];
      size = 0;
    }
  }
  chunk.push(Buffer.from(']}'));
  response.end(Buffer.concat(chunk));
}
