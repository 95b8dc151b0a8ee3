// pods/log (`kubectl logs [-f] [--tail] [--since] [-c] [--timestamps]`): the simulated container's
// lines, what attached commands printed, and a crash-looping container's fault log; `follow` stays
// open until the pod goes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../apimachinery/kube-object';
import { queryFlag } from '../apimachinery/query-flags';
import type { ResourceRequest } from '../apimachinery/request-info';
import { storageKey } from '../apimachinery/resource-types';
import type { Faults } from '../faults/faults';
import type { ObjectStorage } from '../storage/storage';
import type { LogLine } from './pod-logs';
import { formatLogLine, podLogLines, podLogOptions } from './pod-logs';

export interface PodLogSources {
  readonly store: ObjectStorage;
  readonly faults: Faults;
  readonly now: () => Date;
  /** The pod the request names, or 404. */
  existing(req: ResourceRequest): KubeObject;
  /** What attached commands printed in a container. */
  printedBy(pod: KubeObject, container: string): readonly LogLine[];
  /** What a container's own command printed on a run that ended. */
  runOutput?(pod: KubeObject, container: string): readonly string[];
  /** Registers a followed log, closed with the server. */
  follow(active: { close(): void }): () => void;
}

export function servePodLog(
  sources: PodLogSources,
  req: ResourceRequest,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): void {
  const options = podLogOptions(query);
  const pod = sources.existing(req);
  const crashLog = (container: string) =>
    sources.faults.crashLoopFor(pod.metadata.namespace, pod.metadata.name!, container)?.log ?? [];
  const runOutput = (container: string) => sources.runOutput?.(pod, container) ?? [];
  const lines = podLogLines(
    pod,
    options,
    sources.now(),
    (container) => sources.printedBy(pod, container),
    crashLog,
    runOutput,
  );
  response.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
  for (const line of lines) response.write(formatLogLine(line, options.timestamps));
  if (!queryFlag(query, 'follow')) {
    response.end();
    return;
  }
  const key = storageKey(req.type);
  const unsubscribe = sources.store.subscribe((event) => {
    if (event.type === 'DELETED' && event.storageKey === key && event.object.metadata.uid === pod.metadata.uid)
      finish();
  });
  const unfollow = sources.follow({ close: () => finish() });
  const finish = (): void => {
    unsubscribe();
    unfollow();
    response.end();
  };
  request.on('close', finish);
}
