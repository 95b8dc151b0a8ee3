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
 * stores a new copy), so like the real server's watch cache each version is serialized once,
 * and lists and watches send the same bytes again.
 */
const serialized = new WeakMap<KubeObject, Buffer>();

/** The JSON of a stored object in the request's version: the kept encoding when no conversion is needed. */
export function presentedJson(object: KubeObject, req: Pick<ResourceRequest, 'group' | 'version' | 'type'>): Buffer {
  const presented = present(object, req);
  if (presented !== object) return Buffer.from(JSON.stringify(presented));
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

/** The body is handed to the connection in pieces of about this size. */
const LIST_CHUNK_BYTES = 256 * 1024;

/**
 * Writes a list's JSON from its items' stored serializations, with its Content-Length. The pieces
 * go out as the connection takes them: encrypting the whole 10 MB of 10k pods at once, ahead of
 * the socket, holds it all in TLS buffers, which costs several times the encryption itself.
 * The items are serialized before the first write, so the body is the list as of its resourceVersion.
 */
export async function writeList(
  response: ServerResponse,
  req: ResourceRequest,
  items: KubeObject[],
  metadata: Record<string, unknown>,
): Promise<void> {
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
  const head = Buffer.from(
    `{"kind":${JSON.stringify(`${req.type.kind}List`)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[`,
  );
  const tail = Buffer.from(']}');
  const bodies = items.map((item) => presentedJson(item, req));
  let length = head.length + tail.length + Math.max(bodies.length - 1, 0);
  for (const body of bodies) length += body.length;
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': length });
  const comma = Buffer.from(',');
  let chunk: Buffer[] = [head];
  let size = head.length;
  for (let i = 0; i < bodies.length; i++) {
    if (i) chunk.push(comma);
    chunk.push(bodies[i]);
    size += bodies[i].length + (i ? 1 : 0);
    if (size >= LIST_CHUNK_BYTES) {
      const wantsMore = response.write(Buffer.concat(chunk, size));
      chunk = [];
      size = 0;
      if (!wantsMore && !(await drained(response))) return;
    }
  }
  chunk.push(tail);
  response.end(Buffer.concat(chunk));
}

/** Resolves once the response can take more (true), or false when its connection closed first. */
function drained(response: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (writable: boolean): void => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(writable);
    };
    const onDrain = (): void => settle(true);
    const onClose = (): void => settle(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}
