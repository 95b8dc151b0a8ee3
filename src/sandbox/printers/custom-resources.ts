// Custom resources: the CRD's additionalPrinterColumns for the requested version, evaluated the way
// apiextensions-apiserver's tableconvertor does; NAME + AGE when the CRD declares none.
import type { KubeObject } from '../apimachinery/kube-object';
import { DOC } from './descriptions';
import { isValidTime, since } from '../../shared/kubectl-time';
import { findResults, parseJSONPath, printResult } from './jsonpath';
import type { PathNode } from './jsonpath';
import type { Cell, Printer, TableColumnDefinition } from './table';
import { column } from './table';
import type { Json } from './values';
import { asInt, asObject, asObjects, asString } from './values';

interface PrinterColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  jsonPath: string;
}

const DEFAULT_COLUMNS: PrinterColumn[] = [
  {
    name: 'Age',
    type: 'date',
    format: '',
    description: DOC.creationTimestamp,
    priority: 0,
    jsonPath: '.metadata.creationTimestamp',
  },
];

/** apiextensions v1 `versions[].additionalPrinterColumns[].jsonPath`; v1beta1 also `spec.additionalPrinterColumns[].JSONPath`. */
function toColumn(raw: Json): PrinterColumn {
  return {
    name: asString(raw.name),
    type: asString(raw.type),
    format: asString(raw.format),
    description: asString(raw.description),
    priority: asInt(raw.priority),
    jsonPath: asString(raw.jsonPath ?? raw.JSONPath),
  };
}

/** The columns served for one version: per-version ones, else v1beta1's top-level ones, else AGE. */
export function printerColumnsFor(crd: KubeObject | undefined, version: string | undefined): PrinterColumn[] {
  const spec = asObject(crd?.spec);
  const versions = asObjects(spec.versions);
  const entry =
    versions.find((candidate) => candidate.name === version) ??
    versions.find((candidate) => candidate.storage === true) ??
    versions[0];
  let columns = asObjects(entry?.additionalPrinterColumns);
  if (!columns.length) columns = asObjects(spec.additionalPrinterColumns);
  return columns.length ? columns.map(toColumn) : DEFAULT_COLUMNS;
}

/** cellForJSONValue: a typed cell for non-string columns, null when the type does not match. */
function cellFor(type: string, value: unknown, now: Date): Cell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      if (!isValidTime(value)) return '<invalid>';
      return since(value, now);
    default:
      return null;
  }
}

export function customResourcePrinter(crd: KubeObject | undefined, version: string | undefined): Printer {
  const columns: TableColumnDefinition[] = [column('Name', 'string', DOC.name, { format: 'name' })];
  const paths: { type: string; nodes: PathNode[] }[] = [];
  for (const printerColumn of printerColumnsFor(crd, version)) {
    let nodes: PathNode[];
    try {
      nodes = parseJSONPath(printerColumn.jsonPath);
    } catch {
      // The real server logs "invalid printer specification" and keeps the columns parsed so far.
      break;
    }
    paths.push({ type: printerColumn.type, nodes });
    columns.push(
      column(
        printerColumn.name,
        printerColumn.type,
        printerColumn.description ||
          `Custom resource definition column (in JSONPath format): ${printerColumn.jsonPath}`,
        {
          format: printerColumn.format,
          priority: printerColumn.priority,
        },
      ),
    );
  }
  return {
    columns,
    row(object, now) {
      const cells: Cell[] = [asString(object.metadata.name)];
      for (const path of paths) {
        let results: unknown[];
        try {
          results = findResults(path.nodes, object);
        } catch {
          cells.push(null);
          continue;
        }
        if (!results.length) {
          cells.push(null);
          continue;
        }
        // Only simple paths are supported, so only the first result is shown.
        const value = results[0];
        cells.push(path.type === 'string' ? printResult(value) : cellFor(path.type, value, now));
      }
      return { cells };
    },
  };
}
