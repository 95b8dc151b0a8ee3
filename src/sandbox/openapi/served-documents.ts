// The built-in OpenAPI documents as the claimed release serves them: only the paths of the
// resources it serves, and, for the older group-versions whose documents the bundle's sources no
// longer publish (batch/v1beta1, autoscaling/v2beta2, …), the closest published document under the
// old group-version's name. See data/README.md, "Stand-ins".
import type { OpenApiBundle, OpenApiDocument, SchemaTable } from './openapi-bundle';

/**
 * Old group-version → the bundled document served in its place, renamed: same kinds, same shape
 * (or as near as published). Fields the old version did not have yet (CronJob's `timeZone`) are
 * in the schema, which a real old server would reject as unknown.
 */
export const SCHEMA_STAND_INS: Readonly<Record<string, string>> = {
  'apis/batch/v1beta1': 'apis/batch/v1',
  'apis/autoscaling/v2beta2': 'apis/autoscaling/v2',
  // networking.k8s.io/v1beta1's Ingress is extensions/v1beta1's, moved (serviceName/servicePort backends).
  'apis/networking.k8s.io/v1beta1': 'apis/extensions/v1beta1',
  'apis/coordination.k8s.io/v1beta1': 'apis/coordination.k8s.io/v1',
  'apis/discovery.k8s.io/v1beta1': 'apis/discovery.k8s.io/v1',
  'apis/events.k8s.io/v1beta1': 'apis/events.k8s.io/v1',
  'apis/storage.k8s.io/v1beta1': 'apis/storage.k8s.io/v1',
  'apis/authentication.k8s.io/v1beta1': 'apis/authentication.k8s.io/v1',
  'apis/authorization.k8s.io/v1beta1': 'apis/authorization.k8s.io/v1',
};

/**
 * Group-versions served with no OpenAPI document, as no source of the bundle publishes one for them
 * (the 1.32 documents kubectl-validate keeps leave them out; metrics.k8s.io is metrics-server's).
 * Their objects are stored and served unvalidated, as custom resources without a schema are.
 */
export const WITHOUT_DOCUMENT: readonly string[] = [
  'apis/apiregistration.k8s.io/v1',
  'apis/apiregistration.k8s.io/v1beta1',
  'apis/certificates.k8s.io/v1',
  'apis/certificates.k8s.io/v1beta1',
  'apis/metrics.k8s.io/v1beta1',
  'apis/scheduling.k8s.io/v1',
  'apis/scheduling.k8s.io/v1beta1',
];

/** "api/v1" → ['', 'v1']; "apis/apps/v1" → ['apps', 'v1']. */
export function groupVersionOf(key: string): [string, string] {
  const parts = key.split('/');
  return parts[0] === 'api' ? ['', parts[1]] : [parts[1], parts[2]];
}

/** The Go package segment kube-openapi names schemas by: "batch", "networking" (networking.k8s.io), "core". */
function schemaPackage(group: string): string {
  return group ? group.split('.')[0] : 'core';
}

type Gvk = { group: string; version: string; kind: string };

/** The stand-in document of an old group-version, built from the document it stands in for. */
export function standInDocument(bundle: OpenApiBundle, key: string): OpenApiDocument | undefined {
  const sourceKey = SCHEMA_STAND_INS[key];
  const source = sourceKey ? bundle.document(sourceKey) : undefined;
  if (!source || !sourceKey) return undefined;
  const [fromGroup, fromVersion] = groupVersionOf(sourceKey);
  const [group, version] = groupVersionOf(key);
  const text = JSON.stringify(source)
    .split(`"/${sourceKey}/`)
    .join(`"/${key}/`)
    .split(`io.k8s.api.${schemaPackage(fromGroup)}.${fromVersion}.`)
    .join(`io.k8s.api.${schemaPackage(group)}.${version}.`);
  const renamed = JSON.parse(text) as OpenApiDocument;
  const relabel = (gvk: Gvk): Gvk =>
    gvk.group === fromGroup && gvk.version === fromVersion ? { ...gvk, group, version } : gvk;
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const gvk = record['x-kubernetes-group-version-kind'];
    if (Array.isArray(gvk)) record['x-kubernetes-group-version-kind'] = (gvk as Gvk[]).map(relabel);
    else if (gvk && typeof gvk === 'object') record['x-kubernetes-group-version-kind'] = relabel(gvk as Gvk);
    for (const child of Array.isArray(value) ? value : Object.values(record)) visit(child);
  };
  visit(renamed);
  return renamed;
}

/** The resource a path is about: "/apis/batch/v1/namespaces/{namespace}/jobs/{name}" → "jobs"; '' for the group-version's root. */
function pathResource(key: string, path: string): string {
  let rest = path.slice(key.length + 2);
  if (rest.startsWith('watch/')) rest = rest.slice('watch/'.length);
  if (rest.startsWith('namespaces/{namespace}/')) rest = rest.slice('namespaces/{namespace}/'.length);
  return rest.split('/')[0];
}

/** The names a document's paths reach, through every `$ref`. */
function reachableSchemas(paths: unknown, schemas: SchemaTable): Set<string> {
  const reached = new Set<string>();
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(visit);
    for (const [field, child] of Object.entries(value as Record<string, unknown>)) {
      if (field === '$ref' && typeof child === 'string') {
        const name = child.slice(child.lastIndexOf('/') + 1);
        if (!reached.has(name) && schemas[name]) {
          reached.add(name);
          visit(schemas[name]);
        }
      } else visit(child);
    }
  };
  visit(paths);
  return reached;
}

/**
 * The document with only the paths of `resources` (a group-version's served resources). A stand-in
 * also loses the schemas no remaining path reaches, so its old group-version names no kind it did
 * not have; a bundled document keeps its schemas, which the sandbox's own writes look kinds up in.
 */
export function servedDocument(
  key: string,
  document: OpenApiDocument,
  resources: ReadonlySet<string>,
  options: { prune: boolean },
): OpenApiDocument {
  const paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => {
      const resource = pathResource(key, path);
      return resource === '' || resources.has(resource);
    }),
  );
  if (!options.prune) return { ...document, paths };
  const reached = reachableSchemas(paths, document.components.schemas);
  const schemas = Object.fromEntries(Object.entries(document.components.schemas).filter(([name]) => reached.has(name)));
  return { ...document, paths, components: { ...document.components, schemas } };
}
