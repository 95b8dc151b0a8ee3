// Field managers (k8s.io/apiserver pkg/endpoints/handlers/fieldmanager): the managedFields entry,
// the manager names (from fieldManager or the User-Agent), their identifiers, and the conflict
// error of an apply in the API server's words.
import type { StatusCause } from '../apimachinery/status-error';
import { applyConflict } from '../apimachinery/status-error';
import type { FieldPath } from './field-set';
import { goJson, pathString } from './field-set';
import type { ConflictsError } from './merge-updater';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** The manager `kubectl apply --server-side` uses; the one the last-applied hand-over applies to. */
export const KUBECTL_APPLY_MANAGER = 'kubectl';
/** The manager that owns what an object had before its first apply when nothing tracked it. */
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';
/** Where the oldest update managers go once there are more than `MAX_UPDATE_MANAGERS`. */
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';
export const MAX_UPDATE_MANAGERS = 10;
const FIELD_MANAGER_MAX_LENGTH = 128;

/** What the server calls a writer that named no fieldManager: the user agent up to its first `/`. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  let out = '';
  let bytes = 0;
  for (const ch of (userAgent ?? '').split('/')[0]) {
    if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(ch) || (/\s/.test(ch) && ch !== ' ')) continue;
    const size = Buffer.byteLength(ch);
    if (bytes + size > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/** handlers.managerOrUserAgent: the fieldManager query parameter, else the user-agent prefix. */
export function managerOrUserAgent(fieldManager: string | null | undefined, userAgent: string | undefined): string {
  return fieldManager ? fieldManager : managerFromUserAgent(userAgent);
}

/** The identity of an entry: manager, operation, apiVersion (Update only) and subresource. */
export function managerIdentifier(entry: {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
}): string {
  const id: ManagedFieldsEntry = {};
  if (entry.manager) id.manager = entry.manager;
  if (entry.operation) id.operation = entry.operation;
  if (entry.operation !== 'Apply' && entry.apiVersion) id.apiVersion = entry.apiVersion;
  if (entry.subresource) id.subresource = entry.subresource;
  return goJson(id);
}

export function parseIdentifier(id: string): ManagedFieldsEntry {
  return JSON.parse(id) as ManagedFieldsEntry;
}

export function conflictError(error: ConflictsError): Error {
  const describe = (id: string): string => {
    const entry = parseIdentifier(id);
    let text = JSON.stringify(entry.manager ?? '');
    if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
    return entry.operation === 'Update' ? `${text} using ${entry.apiVersion ?? ''}` : text;
  };
  const conflicts = [...error.conflicts].sort((a, b) => (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0));
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describe(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describe(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, FieldPath[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
    const lines: string[] = [];
    for (const [manager, paths] of byManager) {
      lines.push(`conflicts with ${describe(manager)}:`);
      for (const path of paths) lines.push(`- ${pathString(path)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return applyConflict(causes, message);
}
