// GET of one object and LIST of a collection (k8s.io/apiserver pkg/endpoints/handlers/get.go):
// label and field selectors, `limit`/`continue` paging with the expiry of a real server, Tables.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../apimachinery/kube-object';
import type { ResourceRequest } from '../apimachinery/request-info';
import { storageKey } from '../apimachinery/resource-types';
import { badRequest, StatusError } from '../apimachinery/status-error';
import { tableFor, wantsTable } from '../printers/printing';
import { scaleOf } from '../subresources/scale';
import { tableOptions, writeJson, writeList } from './response-writers';
import type { HandlerScope } from './scope';
import { crdFor, existing, present, selected } from './scope';

interface ContinueToken {
  rv: number;
  start: string;
}

export function getObject(scope: HandlerScope, req: ResourceRequest): KubeObject {
  const object = present(existing(scope, req), req);
  if (req.subresource === 'scale') return scaleOf(object);
  return object;
}

export function listObjects(
  scope: HandlerScope,
  response: ServerResponse,
  request: IncomingMessage,
  req: ResourceRequest,
  query: URLSearchParams,
): Promise<void> | void {
  const { store } = scope;
  const matches = selected(query);
  const limit = Number(query.get('limit') ?? 0);
  let start = '';
  let listVersion = store.resourceVersion;
  const continueParam = query.get('continue');
  if (continueParam) {
    let token: ContinueToken;
    try {
      token = JSON.parse(Buffer.from(continueParam, 'base64url').toString('utf8')) as ContinueToken;
    } catch {
      throw badRequest('continue key is not valid: illegal base64 data');
    }
    if (token.rv < store.oldestWatchableVersion) {
      throw new StatusError(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      );
    }
    start = token.start;
    listVersion = token.rv;
  }
  const all = store.list(storageKey(req.type), req.namespace);
  const items: KubeObject[] = [];
  let next: string | undefined;
  let remaining = 0;
  // The continue key is built only for a paged list: at 10k pods an unpaged one skips 10k string joins.
  const paged = start !== '' || limit > 0;
  for (const object of all) {
    const key = paged ? `${object.metadata.namespace ?? ''}/${object.metadata.name}` : '';
    if (start && key <= start) continue;
    if (!matches(object)) continue;
    if (limit > 0 && items.length >= limit) {
      remaining++;
      continue;
    }
    items.push(object);
    if (limit > 0 && items.length === limit) next = key;
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(listVersion) };
  if (remaining > 0 && next) {
    metadata.continue = Buffer.from(JSON.stringify({ rv: listVersion, start: next } satisfies ContinueToken)).toString(
      'base64url',
    );
    metadata.remainingItemCount = remaining;
  }
  if (wantsTable(request.headers.accept)) {
    const options = tableOptions(request, query, req);
    writeJson(
      response,
      200,
      tableFor(
        req.type,
        items.map((item) => present(item, req)),
        metadata,
        crdFor(scope, req.type),
        scope.now(),
        options,
      ),
    );
    return;
  }
  return writeList(response, req, items, metadata);
}
