// Impersonation (`kubectl --as`, `--as-group`), a port of kubernetes/kubernetes v1.13
// staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go: the Impersonate-User,
// Impersonate-Group and Impersonate-Extra-<key> headers each need the `impersonate` verb on users,
// serviceaccounts, groups or userextras; then the request acts as the user they name. A service
// account gets its groups, and anyone but system:anonymous `system:authenticated`, unless groups
// were given.
import type { IncomingMessage } from 'node:http';
import { forbidden, StatusError } from '../apimachinery/status-error';
import type { Attributes, Decision } from './rbac-authorizer';
import type { UserInfo } from './user-info';
import {
  ALL_AUTHENTICATED,
  ANONYMOUS,
  serviceAccountGroups,
  serviceAccountUsername,
  splitServiceAccountUsername,
} from './user-info';

const USER_HEADER = 'impersonate-user';
const GROUP_HEADER = 'impersonate-group';
const EXTRA_PREFIX = 'impersonate-extra-';

/** One thing asked for (an ObjectReference in the Go code): Kind, Namespace, Name, APIVersion, FieldPath. */
interface ImpersonationRequest {
  kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra';
  namespace?: string;
  name: string;
  extraKey?: string;
}

/** `%v` of the ObjectReference, for the error of groups or extras without a user. */
const describe = (r: ImpersonationRequest): string =>
  r.kind === 'UserExtra'
    ? `{UserExtra  ${r.name}  authentication.k8s.io/v1  ${r.extraKey ?? ''}}`
    : `{${r.kind} ${r.namespace ?? ''} ${r.name}    }`;

/** An extra's key: lower case, %-decoded when it decodes (unescapeExtraKey). */
function extraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

function impersonationRequests(request: IncomingMessage): ImpersonationRequest[] {
  const headers = request.headersDistinct;
  const requests: ImpersonationRequest[] = [];
  const user = headers[USER_HEADER]?.[0] ?? '';
  if (user) {
    const serviceAccount = splitServiceAccountUsername(user);
    requests.push(serviceAccount ? { kind: 'ServiceAccount', ...serviceAccount } : { kind: 'User', name: user });
  }
  for (const group of headers[GROUP_HEADER] ?? []) requests.push({ kind: 'Group', name: group });
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX)) continue;
    for (const value of values ?? [])
      requests.push({ kind: 'UserExtra', name: value, extraKey: extraKey(header.slice(EXTRA_PREFIX.length)) });
  }
  if (!user && requests.length > 0) {
    // InternalError of responsewriters: a plain-text 500 naming the request.
    throw new StatusError(
      500,
      'InternalError',
      `Internal Server Error: ${JSON.stringify(request.url ?? '')}: requested [${requests.map(describe).join(' ')}] without impersonating a user`,
    );
  }
  return requests;
}

/** The user the request acts as: the requestor, or whom it may impersonate; 403 for what it may not. */
export function impersonatedUser(
  request: IncomingMessage,
  requestor: UserInfo,
  authorize: (attributes: Attributes) => Decision,
): UserInfo {
  const requests = impersonationRequests(request);
  if (requests.length === 0) return requestor;
  const groupsSpecified = (request.headersDistinct[GROUP_HEADER] ?? []).length > 0;
  let username = '';
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const asked of requests) {
    let attributes: Attributes;
    switch (asked.kind) {
      case 'ServiceAccount':
        attributes = {
          user: requestor,
          verb: 'impersonate',
          resourceRequest: true,
          apiGroup: '',
          resource: 'serviceaccounts',
          namespace: asked.namespace,
          name: asked.name,
        };
        username = serviceAccountUsername(asked.namespace!, asked.name);
        if (!groupsSpecified) groups = serviceAccountGroups(asked.namespace!);
        break;
      case 'User':
        attributes = {
          user: requestor,
          verb: 'impersonate',
          resourceRequest: true,
          apiGroup: '',
          resource: 'users',
          name: asked.name,
        };
        username = asked.name;
        break;
      case 'Group':
        attributes = {
          user: requestor,
          verb: 'impersonate',
          resourceRequest: true,
          apiGroup: '',
          resource: 'groups',
          name: asked.name,
        };
        groups.push(asked.name);
        break;
      case 'UserExtra':
        attributes = {
          user: requestor,
          verb: 'impersonate',
          resourceRequest: true,
          apiGroup: 'authentication.k8s.io',
          resource: 'userextras',
          subresource: asked.extraKey,
          name: asked.name,
        };
        (extra[asked.extraKey!] ??= []).push(asked.name);
        break;
    }
    const decision = authorize(attributes);
    if (!decision.allowed) {
      const { verb, apiGroup: group, resource, subresource, namespace, name } = attributes;
      throw forbidden({ user: requestor.name, verb, group, resource, subresource, namespace, name }, decision.reason);
    }
  }
  if (!groupsSpecified && username !== ANONYMOUS && !groups.includes(ALL_AUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
  return { name: username, groups, extra };
}
