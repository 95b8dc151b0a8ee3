// Conversion between the versions of a kind, so an object written through one version reads back
// through another, as on a real API server: the store keeps each object in its storage version and
// every request sees it in the version it asked for. Only the kinds whose shape changed between
// versions need code here; for the rest a conversion is a new apiVersion on the same fields.
import type { KubeObject } from './kube-object';
import { clone } from './kube-object';

type Json = Record<string, unknown>;
type Converter = (object: KubeObject, from: string, to: string) => KubeObject;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asObject = (value: unknown): Json => (isObject(value) ? value : {});
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value.filter(isObject) as Json[]) : []);

function dropUndefined(object: Json): Json {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

// ── CustomResourceDefinition: apiextensions.k8s.io/v1beta1 ⇄ v1 ──────────────────────────────

function printerColumnsToV1(columns: Json[]): Json[] {
  return columns.map(({ JSONPath, ...rest }) => dropUndefined({ ...rest, jsonPath: JSONPath }));
}

function printerColumnsToV1beta1(columns: Json[]): Json[] {
  return columns.map(({ jsonPath, ...rest }) => dropUndefined({ ...rest, JSONPath: jsonPath }));
}

/** v1beta1 keeps schema, subresources and printer columns either at the top or per version; v1 only per version. */
function crdSpecToV1(spec: Json): Json {
  const { version, validation, subresources, additionalPrinterColumns, versions, ...rest } = spec;
  const listed = asArray(versions);
  const all = listed.length ? listed : version ? [{ name: version, served: true, storage: true }] : [];
  const topSchema = asObject(validation).openAPIV3Schema;
  return dropUndefined({
    ...rest,
    // v1beta1 defaults preserveUnknownFields to true (no pruning); v1 has no such default.
    preserveUnknownFields: rest.preserveUnknownFields ?? true,
    versions: all.map((entry) => {
      const { schema, subresources: own, additionalPrinterColumns: columns, ...fields } = entry;
      const openAPIV3Schema = asObject(schema).openAPIV3Schema ?? topSchema;
      const printed = asArray(columns ?? additionalPrinterColumns);
      return dropUndefined({
        ...fields,
        schema: openAPIV3Schema ? { openAPIV3Schema } : undefined,
        subresources: own ?? subresources,
        additionalPrinterColumns: printed.length ? printerColumnsToV1(printed) : undefined,
      });
    }),
  });
}

/** Hoists what every version shares back to the top, as the real v1beta1 view does. */
function crdSpecToV1beta1(spec: Json): Json {
  const { versions, ...rest } = spec;
  const listed = asArray(versions);
  const same = (key: string): boolean =>
    listed.every((entry) => JSON.stringify(entry[key]) === JSON.stringify(listed[0]?.[key]));
  const hoist = listed.length > 0;
  const hoistSchema = hoist && same('schema');
  const hoistSubresources = hoist && same('subresources');
  const hoistColumns = hoist && same('additionalPrinterColumns');
  const first = listed[0] ?? {};
  return dropUndefined({
    ...rest,
    version: first.name,
    validation: hoistSchema && first.schema ? first.schema : undefined,
    subresources: hoistSubresources ? first.subresources : undefined,
    additionalPrinterColumns:
      hoistColumns && first.additionalPrinterColumns
        ? printerColumnsToV1beta1(asArray(first.additionalPrinterColumns))
        : undefined,
    versions: listed.map((entry) => {
      const { schema, subresources, additionalPrinterColumns, ...fields } = entry;
      return dropUndefined({
        ...fields,
        schema: hoistSchema ? undefined : schema,
        subresources: hoistSubresources ? undefined : subresources,
        additionalPrinterColumns:
          hoistColumns || !additionalPrinterColumns
            ? undefined
            : printerColumnsToV1beta1(asArray(additionalPrinterColumns)),
      });
    }),
  });
}

const convertCrd: Converter = (object, from, to) => {
  const result = clone(object);
  if (isObject(result.spec)) {
    if (from.endsWith('/v1beta1') && to.endsWith('/v1')) result.spec = crdSpecToV1(result.spec);
    else if (from.endsWith('/v1') && to.endsWith('/v1beta1')) result.spec = crdSpecToV1beta1(result.spec);
  }
  return result;
};

// ── HorizontalPodAutoscaler: autoscaling/v1 and v2beta1 ⇄ v2 (the hub) ─────────────────────────

function metricV2beta1ToV2(metric: Json): Json {
  const type = metric.type;
  if (type === 'Resource') {
    const { name, targetAverageUtilization, targetAverageValue } = asObject(metric.resource);
    const target =
      targetAverageUtilization !== undefined
        ? { type: 'Utilization', averageUtilization: targetAverageUtilization }
        : { type: 'AverageValue', averageValue: targetAverageValue };
    return { type, resource: { name, target } };
  }
  if (type === 'Pods') {
    const { metricName, selector, targetAverageValue } = asObject(metric.pods);
    return {
      type,
      pods: {
        metric: dropUndefined({ name: metricName, selector }),
        target: { type: 'AverageValue', averageValue: targetAverageValue },
      },
    };
  }
  if (type === 'Object') {
    const { target: describedObject, metricName, selector, targetValue, averageValue } = asObject(metric.object);
    const target =
      averageValue !== undefined ? { type: 'AverageValue', averageValue } : { type: 'Value', value: targetValue };
    return { type, object: { describedObject, metric: dropUndefined({ name: metricName, selector }), target } };
  }
  if (type === 'External') {
    const { metricName, metricSelector, targetValue, targetAverageValue } = asObject(metric.external);
    const target =
      targetAverageValue !== undefined
        ? { type: 'AverageValue', averageValue: targetAverageValue }
        : { type: 'Value', value: targetValue };
    return { type, external: { metric: dropUndefined({ name: metricName, selector: metricSelector }), target } };
  }
  return metric;
}

function metricV2ToV2beta1(metric: Json): Json {
  const type = metric.type;
  if (type === 'Resource') {
    const { name, target } = asObject(metric.resource);
    const { averageUtilization, averageValue } = asObject(target);
    return {
      type,
      resource: dropUndefined({ name, targetAverageUtilization: averageUtilization, targetAverageValue: averageValue }),
    };
  }
  if (type === 'Pods') {
    return { type, pods: flatSource(asObject(metric.pods), ['selector', 'targetAverageValue']) };
  }
  if (type === 'Object') {
    const { describedObject, ...source } = asObject(metric.object);
    const flat = flatSource(source, ['selector', 'averageValue', 'targetValue']);
    return { type, object: dropUndefined({ target: describedObject, ...flat }) };
  }
  if (type === 'External') {
    return {
      type,
      external: flatSource(asObject(metric.external), ['metricSelector', 'targetAverageValue', 'targetValue']),
    };
  }
  return metric;
}

/**
 * A v2 Pods, Object or External source's metric identifier and target in v2beta1's flat fields:
 * the metric's name as metricName, then its selector, target value and average value under the
 * names `keys` gives that source (Pods has no target value).
 */
function flatSource(source: Json, keys: [selector: string, averageValue: string, value?: string]): Json {
  const id = asObject(source.metric);
  const target = asObject(source.target);
  const [selectorKey, averageValueKey, valueKey] = keys;
  return dropUndefined({
    metricName: id.name,
    [selectorKey]: id.selector,
    ...(valueKey ? { [valueKey]: target.value } : {}),
    [averageValueKey]: target.averageValue,
  });
}

function currentV2beta1ToV2(metric: Json): Json {
  if (metric.type !== 'Resource') return metric;
  const { name, currentAverageUtilization, currentAverageValue } = asObject(metric.resource);
  return {
    type: 'Resource',
    resource: {
      name,
      current: dropUndefined({ averageUtilization: currentAverageUtilization, averageValue: currentAverageValue }),
    },
  };
}

function currentV2ToV2beta1(metric: Json): Json {
  if (metric.type !== 'Resource') return metric;
  const { name, current } = asObject(metric.resource);
  return {
    type: 'Resource',
    resource: dropUndefined({
      name,
      currentAverageUtilization: asObject(current).averageUtilization,
      currentAverageValue: asObject(current).averageValue,
    }),
  };
}

function isCpuUtilization(metric: Json): boolean {
  const resource = asObject(metric.resource);
  return metric.type === 'Resource' && resource.name === 'cpu' && asObject(resource.target).type === 'Utilization';
}

/** A copy of an HPA to convert, with its spec and status as objects (`{}` where absent). */
function hpaCopy(object: KubeObject): { result: KubeObject; spec: Json; status: Json } {
  const result = clone(object);
  return { result, spec: asObject(result.spec), status: asObject(result.status) };
}

/** v1's CPU percentage as v2's list of one cpu Resource metric, its `target` or its `current`; absent stays absent. */
function cpuMetrics(percentage: unknown, field: 'target' | 'current'): Json[] | undefined {
  if (percentage === undefined) return undefined;
  const utilization =
    field === 'target' ? { type: 'Utilization', averageUtilization: percentage } : { averageUtilization: percentage };
  return [{ type: 'Resource', resource: { name: 'cpu', [field]: utilization } }];
}

function hpaToV2(object: KubeObject, from: string): KubeObject {
  const { result, spec, status } = hpaCopy(object);
  if (from === 'autoscaling/v1') {
    const { targetCPUUtilizationPercentage, ...rest } = spec;
    result.spec = dropUndefined({
      ...rest,
      metrics: cpuMetrics(targetCPUUtilizationPercentage, 'target'),
    });
    if (isObject(result.status)) {
      const { currentCPUUtilizationPercentage, ...statusRest } = status;
      result.status = dropUndefined({
        ...statusRest,
        currentMetrics: cpuMetrics(currentCPUUtilizationPercentage, 'current'),
      });
    }
  } else if (from === 'autoscaling/v2beta1') {
    if (spec.metrics) spec.metrics = asArray(spec.metrics).map(metricV2beta1ToV2);
    if (status.currentMetrics) status.currentMetrics = asArray(status.currentMetrics).map(currentV2beta1ToV2);
  }
  return result;
}

function hpaFromV2(object: KubeObject, to: string): KubeObject {
  const { result, spec, status } = hpaCopy(object);
  if (to === 'autoscaling/v1') {
    // v1 has no `behavior`: it is dropped.
    const { metrics, ...rest } = spec;
    delete rest.behavior;
    const cpu = asArray(metrics).find(isCpuUtilization);
    result.spec = dropUndefined({
      ...rest,
      targetCPUUtilizationPercentage: cpu ? asObject(asObject(cpu.resource).target).averageUtilization : undefined,
    });
    if (isObject(result.status)) {
      // v1 has no status conditions.
      const { currentMetrics, ...statusRest } = status;
      delete statusRest.conditions;
      const current = asArray(currentMetrics).find(
        (metric) => metric.type === 'Resource' && asObject(metric.resource).name === 'cpu',
      );
      result.status = dropUndefined({
        ...statusRest,
        currentCPUUtilizationPercentage: current
          ? asObject(asObject(current.resource).current).averageUtilization
          : undefined,
      });
    }
  } else if (to === 'autoscaling/v2beta1') {
    delete spec.behavior;
    if (spec.metrics) spec.metrics = asArray(spec.metrics).map(metricV2ToV2beta1);
    if (status.currentMetrics) status.currentMetrics = asArray(status.currentMetrics).map(currentV2ToV2beta1);
  }
  return result;
}

const convertHpa: Converter = (object, from, to) => {
  const hub = from === 'autoscaling/v2' ? clone(object) : hpaToV2(object, from);
  return to === 'autoscaling/v2' ? hub : hpaFromV2(hub, to);
};

// ── Ingress: extensions/v1beta1 and networking.k8s.io/v1beta1 ⇄ networking.k8s.io/v1 ─────────

function backendToV1(backend: Json): Json {
  const { serviceName, servicePort, ...rest } = backend;
  if (serviceName === undefined) return backend;
  const port = typeof servicePort === 'number' ? { number: servicePort } : { name: servicePort };
  return { ...rest, service: { name: serviceName, port } };
}

function backendToV1beta1(backend: Json): Json {
  const { service, ...rest } = backend;
  if (!isObject(service)) return backend;
  const port = asObject(service.port);
  return { ...rest, serviceName: service.name, servicePort: port.number ?? port.name };
}

const convertIngress: Converter = (object, from, to) => {
  const result = clone(object);
  const spec = asObject(result.spec);
  const toV1 = to === 'networking.k8s.io/v1' && from !== to;
  const toLegacy =
    (to === 'extensions/v1beta1' || to === 'networking.k8s.io/v1beta1') && from === 'networking.k8s.io/v1';
  if (!toV1 && !toLegacy) return result;
  const backend = toV1 ? backendToV1 : backendToV1beta1;
  const [fromKey, toKey] = toV1 ? ['backend', 'defaultBackend'] : ['defaultBackend', 'backend'];
  if (isObject(spec[fromKey])) {
    spec[toKey] = backend(spec[fromKey] as Json);
    delete spec[fromKey];
  }
  for (const rule of asArray(spec.rules)) {
    for (const path of asArray(asObject(rule.http).paths)) {
      if (isObject(path.backend)) path.backend = backend(path.backend);
      if (toV1) path.pathType ??= 'ImplementationSpecific';
    }
  }
  return result;
};

// ── Workloads: extensions/v1beta1 and apps/v1beta* ⇄ apps/v1 ─────────────────────────────────

const LEGACY_ONLY_SPEC_FIELDS = ['rollbackTo', 'templateGeneration'];

const convertWorkload: Converter = (object, _from, to) => {
  const result = clone(object);
  if (to === 'apps/v1' && isObject(result.spec)) for (const field of LEGACY_ONLY_SPEC_FIELDS) delete result.spec[field];
  return result;
};

const CONVERTERS: Readonly<Record<string, Converter>> = {
  CustomResourceDefinition: convertCrd,
  HorizontalPodAutoscaler: convertHpa,
  Ingress: convertIngress,
  Deployment: convertWorkload,
  DaemonSet: convertWorkload,
  ReplicaSet: convertWorkload,
  StatefulSet: convertWorkload,
};

/** The object as seen through `apiVersion`; the input is left untouched. */
export function convertObject(object: KubeObject, apiVersion: string): KubeObject {
  if (object.apiVersion === apiVersion) return object;
  const converter = CONVERTERS[object.kind];
  const converted = converter ? converter(object, object.apiVersion, apiVersion) : { ...object };
  converted.apiVersion = apiVersion;
  return converted;
}
