// Configuration kinds: config maps, secrets and service accounts (printers.go, v1.32).
import { namedPrinter } from './common';
import { DOC } from './descriptions';
import { column } from './table';
import { asArray, asObject, asString } from './values';

export const configMapPrinter = namedPrinter({
  columns: [column('Data', 'string', DOC.configMapData)],
  cells: (object) => [Object.keys(asObject(object.data)).length + Object.keys(asObject(object.binaryData)).length],
});

export const secretPrinter = namedPrinter({
  columns: [column('Type', 'string', DOC.secretType), column('Data', 'string', DOC.secretData)],
  cells(object) {
    // stringData is write-only: the server merges it into data before storing, so count the union.
    const keys = new Set([...Object.keys(asObject(object.data)), ...Object.keys(asObject(object.stringData))]);
    return [asString(object.type), keys.size];
  },
});

export const serviceAccountPrinter = namedPrinter({
  columns: [column('Secrets', 'string', DOC.serviceAccountSecrets)],
  cells: (object) => [asArray(object.secrets).length],
});
