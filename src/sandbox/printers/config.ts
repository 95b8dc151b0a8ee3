// Configuration kinds: config maps, secrets and service accounts (printers.go, v1.32).
import { ageColumn, nameColumn } from './common';
import { DOC } from './descriptions';
import { since } from '../../shared/kubectl-time';
import type { Printer } from './table';
import { column } from './table';
import { asArray, asObject, asString } from './values';

export const configMapPrinter: Printer = {
  columns: [nameColumn, column('Data', 'string', DOC.configMapData), ageColumn],
  row: (object, now) => ({
    cells: [
      asString(object.metadata.name),
      Object.keys(asObject(object.data)).length + Object.keys(asObject(object.binaryData)).length,
      since(object.metadata.creationTimestamp, now),
    ],
  }),
};

export const secretPrinter: Printer = {
  columns: [nameColumn, column('Type', 'string', DOC.secretType), column('Data', 'string', DOC.secretData), ageColumn],
  row(object, now) {
    // stringData is write-only: the server merges it into data before storing, so count the union.
    const keys = new Set([...Object.keys(asObject(object.data)), ...Object.keys(asObject(object.stringData))]);
    return {
      cells: [
        asString(object.metadata.name),
        asString(object.type),
        keys.size,
        since(object.metadata.creationTimestamp, now),
      ],
    };
  },
};

export const serviceAccountPrinter: Printer = {
  columns: [nameColumn, column('Secrets', 'string', DOC.serviceAccountSecrets), ageColumn],
  row: (object, now) => ({
    cells: [
      asString(object.metadata.name),
      asArray(object.secrets).length,
      since(object.metadata.creationTimestamp, now),
    ],
  }),
};
