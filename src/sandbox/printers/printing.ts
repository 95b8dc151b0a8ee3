// Server-side printing: answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` with the
// meta.k8s.io Table the real API server builds (pkg/printers/internalversion for built-in kinds, the
// CRD's printer columns for custom resources, NAME / CREATED AT for everything else).
import type { KubeObject } from '../apimachinery/kube-object';
import { BUILTIN_PRINTERS } from './builtin-printers';
import { printerAtRelease } from './release-columns';
import { customResourcePrinter } from './custom-resources';
import { defaultPrinter } from './default-table';
import type { Printer, Table, TableRow } from './table';
import type { ResourceType } from '../apimachinery/resource-types';
import { storageKey } from '../apimachinery/resource-types';
import { badRequest } from '../apimachinery/status-error';

export type { Cell, Table, TableColumnDefinition, TableRow, TableRowCondition } from './table';

/** `?includeObject=`: what each row carries in `object`. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** The meta.k8s.io version of Table the client asked for. */
export type TableVersion = 'v1' | 'v1beta1';

export interface TableOptions {
  /** Default `Metadata`: a PartialObjectMetadata per row, which kubectl needs for NAMESPACE and labels. */
  includeObject?: IncludeObject;
  /** Omit the column definitions (`columnDefinitions: null`): every watch event after the first. */
  noHeaders?: boolean;
  /** Default `v1`; see tableVersionFor. */
  tableVersion?: TableVersion;
  /** The API version of the request; picks a CRD version's printer columns. Defaults to the objects' version. */
  version?: string;
}

/**
 * The Table version an Accept header asks for, or undefined when it asks for no Table. kubectl 1.32
 * sends `application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`.
 * Like the server's negotiation, a clause with parameters outranks bare `application/json` of equal q.
 */
export function tableVersionFor(accept: string | undefined): TableVersion | undefined {
  if (!accept) return undefined;
  for (const clause of accept.split(',')) {
    const [mediaType, ...rawParams] = clause.split(';').map((part) => part.trim());
    if (mediaType.toLowerCase() !== 'application/json') continue;
    const params = new Map(
      rawParams.map(
        (param) =>
          [
            param.slice(0, param.indexOf('=')).trim().toLowerCase(),
            param.slice(param.indexOf('=') + 1).trim(),
          ] as const,
      ),
    );
    if (params.get('q') !== undefined && Number(params.get('q')) === 0) continue;
    if (params.get('as') !== 'Table' || params.get('g') !== 'meta.k8s.io') continue;
    const version = params.get('v');
    if (version === 'v1' || version === 'v1beta1') return version;
  }
  return undefined;
}

export function wantsTable(accept: string | undefined): boolean {
  return tableVersionFor(accept) !== undefined;
}

/**
 * TableOptions from the query string, validated as the real server does: only `includeObject` is a
 * query parameter. Throws a 400 StatusError for an unknown value.
 */
export function tableOptionsFromQuery(query: URLSearchParams): Pick<TableOptions, 'includeObject'> {
  const value = query.get('includeObject') ?? '';
  if (value === '') return {};
  if (value === 'None' || value === 'Metadata' || value === 'Object') return { includeObject: value };
  throw badRequest(
    `Unable to convert to Table as requested: includeObject: Unsupported value: "${value}": supported values: "Metadata", "None", "Object"`,
  );
}

/** The printer the real server would use for this resource (and, for custom resources, version). */
export function printerFor(type: ResourceType, crd: KubeObject | undefined, version: string | undefined): Printer {
  if (type.crd) return customResourcePrinter(crd, version);
  const printer = BUILTIN_PRINTERS.get(storageKey(type));
  return printer ? printerAtRelease(printer, storageKey(type), type.release) : defaultPrinter;
}

const versionOf = (apiVersion: string | undefined): string | undefined =>
  apiVersion?.slice(apiVersion.indexOf('/') + 1) || undefined;

/** meta.AsPartialObjectMetadata: the ObjectMeta fields in Go's order, creationTimestamp null when unset. */
function partialObjectMetadata(object: KubeObject, tableVersion: TableVersion): Record<string, unknown> {
  const source = object.metadata ?? {};
  const metadata: Record<string, unknown> = {};
  const copy = (key: string, isEmpty: (value: unknown) => boolean): void => {
    const value = source[key];
    if (value !== undefined && value !== null && !isEmpty(value)) metadata[key] = value;
  };
  const emptyString = (value: unknown) => value === '';
  const emptyCollection = (value: unknown) =>
    Array.isArray(value) ? value.length === 0 : typeof value === 'object' && Object.keys(value as object).length === 0;
  copy('name', emptyString);
  copy('generateName', emptyString);
  copy('namespace', emptyString);
  copy('selfLink', emptyString);
  copy('uid', emptyString);
  copy('resourceVersion', emptyString);
  copy('generation', (value) => value === 0);
  metadata.creationTimestamp = source.creationTimestamp ?? null;
  copy('deletionTimestamp', () => false);
  copy('deletionGracePeriodSeconds', () => false);
  copy('labels', emptyCollection);
  copy('annotations', emptyCollection);
  copy('ownerReferences', emptyCollection);
  copy('finalizers', emptyCollection);
  copy('managedFields', emptyCollection);
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${tableVersion}`, metadata };
}

function rowObject(object: KubeObject, options: TableOptions): unknown {
  switch (options.includeObject ?? 'Metadata') {
    case 'Object':
      return object;
    case 'None':
      return null;
    default:
      return partialObjectMetadata(object, options.tableVersion ?? 'v1');
  }
}

/**
 * The Table for a list response. `listMeta` is the list's metadata (resourceVersion, continue,
 * remainingItemCount). Cells are always the wide set, as on a real server: kubectl drops the
 * priority-1 columns itself unless `-o wide`.
 */
export function tableFor(
  type: ResourceType,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  crd: KubeObject | undefined,
  now: Date,
  options: TableOptions = {},
): Table {
  const printer = printerFor(type, crd, options.version ?? versionOf(objects[0]?.apiVersion) ?? type.versions[0]);
  const rows = objects.map((object): TableRow => {
    const printed = printer.row(object, now);
    return {
      cells: printed.cells,
      ...(printed.conditions ? { conditions: printed.conditions } : {}),
      object: rowObject(object, options),
    };
  });
  const metadata: Table['metadata'] = {};
  if (typeof listMeta.resourceVersion === 'string' && listMeta.resourceVersion)
    metadata.resourceVersion = listMeta.resourceVersion;
  // A single object's Table carries that object's resourceVersion (meta.CommonAccessor in the real server).
  else if (
    objects.length === 1 &&
    typeof objects[0].metadata.resourceVersion === 'string' &&
    objects[0].metadata.resourceVersion
  )
    metadata.resourceVersion = objects[0].metadata.resourceVersion;
  if (typeof listMeta.continue === 'string' && listMeta.continue) metadata.continue = listMeta.continue;
  if (typeof listMeta.remainingItemCount === 'number') metadata.remainingItemCount = listMeta.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.tableVersion ?? 'v1'}`,
    metadata,
    columnDefinitions: options.noHeaders ? null : printer.columns.map((definition) => ({ ...definition })),
    rows,
  };
}

/** The Table for one object: GET of a named object, and each watch event. */
export function tableForObject(
  type: ResourceType,
  object: KubeObject,
  crd: KubeObject | undefined,
  now: Date,
  options: TableOptions = {},
): Table {
  return tableFor(type, [object], {}, crd, now, options);
}
