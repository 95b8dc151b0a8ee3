// `kubectl get apiservices`: kube-aggregator's own Table columns
// (staging/src/k8s.io/kube-aggregator/pkg/registry/apiservice/etcd/etcd.go, ConvertToTable).
import { namedPrinter } from './common';
import { column } from './table';
import { asObject, asObjects, asString } from './values';

export const apiServicePrinter = namedPrinter({
  columns: [
    column('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
    column('Available', 'string', 'Whether this service is available.'),
  ],
  cells(object) {
    const service = asObject(asObject(object.spec).service);
    const available = asObjects(asObject(object.status).conditions).find((condition) => condition.type === 'Available');
    const availability = !available
      ? 'Unknown'
      : available.status === 'True'
        ? 'True'
        : `${asString(available.status)} (${asString(available.reason)})`;
    return [service.name ? `${asString(service.namespace)}/${asString(service.name)}` : 'Local', availability];
  },
});
