// WATCH (k8s.io/apiserver pkg/endpoints/handlers/watch.go and the watch cache of pkg/storage/cacher):
// initial events or a replay from a resourceVersion, 410 Gone past the history, selector
// transitions as ADDED/DELETED, bookmarks, timeouts, Tables, and the faults that drop watches.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../apimachinery/kube-object';
import { queryFlag } from '../apimachinery/query-flags';
import type { ResourceRequest } from '../apimachinery/request-info';
import { groupVersion, storageKey } from '../apimachinery/resource-types';
import type { StatusError } from '../apimachinery/status-error';
import { badRequest, gone } from '../apimachinery/status-error';
import { tableForObject, wantsTable } from '../printers/printing';
import type { StoreEvent } from '../storage/storage';
import { TooOldResourceVersionError } from '../storage/storage';
import { presentedJson, tableOptions as requestTableOptions } from './response-writers';
import type { ActiveWatch, HandlerScope } from './scope';
import { crdFor, present, selected } from './scope';

const EVENT_END = Buffer.from('}\n');

export function watch(
  scope: HandlerScope,
  response: ServerResponse,
  request: IncomingMessage,
  req: ResourceRequest,
  query: URLSearchParams,
): void {
  const { store, faults } = scope;
  const bySelectors = selected(query);
  // A watch of one object (`/api/v1/watch/namespaces/NS/pods/NAME`) is one filtered by its name.
  const matches =
    req.name === undefined
      ? bySelectors
      : (object: KubeObject) => object.metadata.name === req.name && bySelectors(object);
  const key = storageKey(req.type);
  const inScope = (object: KubeObject) => req.namespace === undefined || object.metadata.namespace === req.namespace;
  const nameFilter = req.name ?? query.get('fieldSelector')?.match(/metadata\.name=([^,]+)/)?.[1];
  const asTable = wantsTable(request.headers.accept);
  const bookmarks = queryFlag(query, 'allowWatchBookmarks');
  const sendInitialEvents = queryFlag(query, 'sendInitialEvents');
  const requested = query.get('resourceVersion') ?? '';
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);

  const tableOptions = asTable ? requestTableOptions(request, query, req) : undefined;
  response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  // A real server answers a watch at once; clients wait for these headers before reading events.
  response.flushHeaders();
  let sent = 0;
  // A real server sends the column definitions with the first event only (null afterwards).
  let headersSent = false;
  const write = (type: string, object: unknown): void => {
    headersSent = true;
    response.write(`${JSON.stringify({ type, object })}\n`);
  };
  const writeObject = (type: string, object: KubeObject): void => {
    if (asTable) {
      write(
        type,
        tableForObject(req.type, present(object, req), crdFor(scope, req.type), scope.now(), {
          ...tableOptions,
          noHeaders: headersSent,
        }),
      );
    } else {
      // JSON.stringify({ type, object }) from the object's kept encoding, which every watcher shares.
      response.write(
        Buffer.concat([Buffer.from(`{"type":"${type}","object":`), presentedJson(object, req), EVENT_END]),
      );
    }
    sent++;
    const dropAfter = faults.dropWatchesAfterEvents;
    if (dropAfter !== undefined && sent >= dropAfter) finish(true);
  };
  const writeError = (status: StatusError): void => write('ERROR', status.toStatus());

  let finished = false;
  let unsubscribe = (): void => undefined;
  let bookmarkTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  const active: ActiveWatch = { close: () => finish(false) };
  const finish = (abrupt: boolean): void => {
    if (finished) return;
    finished = true;
    unsubscribe();
    clearInterval(bookmarkTimer);
    clearTimeout(timeoutTimer);
    scope.watches.delete(active);
    if (abrupt) response.destroy();
    else response.end();
  };
  scope.watches.add(active);
  request.on('close', () => finish(false));

  if (faults.takeGone()) {
    writeError(gone(`too old resource version: ${requested || 0} (${store.resourceVersion})`));
    finish(false);
    return;
  }

  const initial: KubeObject[] = [];
  let since = store.resourceVersion;
  if (requested === '' || requested === '0' || sendInitialEvents) {
    for (const object of store.list(key, req.namespace)) {
      if (matches(object) && (!nameFilter || object.metadata.name === nameFilter)) initial.push(object);
    }
  } else {
    const version = Number(requested);
    if (!Number.isFinite(version)) {
      writeError(badRequest(`invalid resource version: "${requested}"`));
      finish(false);
      return;
    }
    let replay: StoreEvent[];
    try {
      replay = store.eventsSince(version);
    } catch (error) {
      if (error instanceof TooOldResourceVersionError) {
        writeError(gone(error.message));
        finish(false);
        return;
      }
      throw error;
    }
    for (const event of replay) deliver(event, key, inScope, matches, writeObject);
    since = store.resourceVersion;
  }
  for (const object of initial) writeObject('ADDED', object);
  if (finished) return;
  if (sendInitialEvents && bookmarks) {
    write('BOOKMARK', {
      kind: req.type.kind,
      apiVersion: groupVersion(req.group, req.version),
      metadata: { resourceVersion: String(since), annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  }
  unsubscribe = store.subscribe((event) => {
    if (!finished) deliver(event, key, inScope, matches, writeObject);
  });
  if (bookmarks) {
    bookmarkTimer = setInterval(() => {
      write('BOOKMARK', {
        kind: req.type.kind,
        apiVersion: groupVersion(req.group, req.version),
        metadata: { resourceVersion: String(store.resourceVersion) },
      });
    }, scope.bookmarkIntervalMs);
  }
  if (timeoutSeconds > 0) timeoutTimer = setTimeout(() => finish(false), timeoutSeconds * 1000);
  if (scope.isClosed()) finish(false);
}

/** Sends one store event to a watch, turning selector transitions into ADDED/DELETED as the watch cache does. */
function deliver(
  event: StoreEvent,
  key: string,
  inScope: (object: KubeObject) => boolean,
  matches: (object: KubeObject) => boolean,
  writeObject: (type: string, object: KubeObject) => void,
): void {
  if (event.storageKey !== key || !inScope(event.object)) return;
  const now = matches(event.object);
  const before = event.previous ? matches(event.previous) : event.type !== 'ADDED' && now;
  if (event.type === 'ADDED') {
    if (now) writeObject('ADDED', event.object);
  } else if (event.type === 'DELETED') {
    if (before || now) writeObject('DELETED', event.object);
  } else if (now && before) {
    writeObject('MODIFIED', event.object);
  } else if (now) {
    writeObject('ADDED', event.object);
  } else if (before) {
    writeObject('DELETED', event.object);
  }
}
