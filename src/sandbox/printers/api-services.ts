// `kubectl get apiservices`: kube-aggregator's own Table columns
// (staging/src/k8s.io/kube-aggregator/pkg/registry/apiservice/etcd/etcd.go, ConvertToTable).
import { ageColumn, ageOf, nameColumn, nameOf } from './common';
import type { Printer } from './table';
import { column } from './table';
import { asObject, asObjects, asString } from './values';

export const apiServicePrinter: Printer = {
  columns: [
    nameColumn,
    column('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
    column('Available', 'string', 'Whether this service is available.'),
    ageColumn,
  ],
  row(object, now) {
    const service = asObject(asObject(object.spec).service);
    const available = asObjects(asObject(object.status).conditions).find((condition) => condition.type === 'Available');
    const availability = !available
      ? 'Unknown'
      : available.status === 'True'
        ? 'True'
        : `${asString(available.status)} (${asString(available.reason)})`;
    return {
      cells: [
        nameOf(object),
        service.name ? `${asString(service.namespace)}/${asString(service.name)}` : 'Local',
        availability,
        ageOf(object, now),
      ],
    };
  },
};
