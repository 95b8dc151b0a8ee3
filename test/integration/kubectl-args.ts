// The kubectl command lines many integration tests type, each built in one place: waiting for the
// pods behind a label, reading a field of the first of them, and listing a namespace's events.

/** `kubectl wait` until every pod with the label `selector` in `namespace` meets `condition` (60 s). */
export function waitForPods(selector: string, namespace: string, condition = 'Ready'): string[] {
  return ['wait', `--for=condition=${condition}`, 'pod', '-l', selector, '-n', namespace, '--timeout=60s'];
}

/** A field of the first pod with the label `selector` in `namespace` (its name unless told), by jsonpath. */
export function firstPod(selector: string, namespace: string, field = 'metadata.name'): string[] {
  return ['get', 'pod', '-l', selector, '-n', namespace, '-o', `jsonpath={.items[0].${field}}`];
}

/** `kubectl get events` in `namespace` narrowed by a field selector; `more` adds flags (`-w`, `-o …`). */
export function eventsWhere(namespace: string, fieldSelector: string, ...more: string[]): string[] {
  return ['get', 'events', '-n', namespace, '--field-selector', fieldSelector, ...more];
}

/** The API server's proxy path to `service` (`http:istio-pilot:8080`) in `namespace`, for `kubectl get --raw`. */
export function serviceProxy(namespace: string, service: string, path: string): string {
  return `/api/v1/namespaces/${namespace}/services/${service}/proxy${path}`;
}
