// Authentication: the bearer token of the sandbox's kubeconfig
// (k8s.io/apiserver pkg/authentication/request/bearertoken) is the cluster's admin, a member of
// `system:masters` as a real cluster's admin certificates are; a request without credentials is
// system:anonymous, as anonymous authentication is on in 1.13 (and on GKE). The user is kept with the
// request, as the apiserver keeps it in the request's context (request.WithUser), for authorization.go.
import type { IncomingMessage } from 'node:http';
import { unauthorized } from '../apimachinery/status-error';
import type { Faults } from '../faults/faults';
import { hasBearerToken } from './token-check';
import type { UserInfo } from './user-info';
import { ANONYMOUS, SANDBOX_USER } from './user-info';

/** The user of a request without credentials (pkg/authentication/request/anonymous): RBAC decides what it may read. */
const ANONYMOUS_USER: UserInfo = { name: ANONYMOUS, groups: ['system:unauthenticated'] };

const authenticated = new WeakMap<IncomingMessage, UserInfo>();

/**
 * Whom the request's credentials name. Without an Authorization header it is system:anonymous; a
 * token that does not match is 401 and never falls back to anonymous (kubernetes/kubernetes v1.13
 * pkg/kubeapiserver/authenticator/config.go: union.NewFailOnError(tokens, anonymous)).
 */
export function authenticate(request: IncomingMessage, token: string, faults: Faults): UserInfo {
  if (request.headers.authorization === undefined) {
    authenticated.set(request, ANONYMOUS_USER);
    return ANONYMOUS_USER;
  }
  if (!hasBearerToken(request.headers.authorization, token) || faults.expiredToken) throw unauthorized();
  authenticated.set(request, SANDBOX_USER);
  return SANDBOX_USER;
}

/** The user authenticate() found for this request (request.UserFrom), before any impersonation. */
export function userFrom(request: IncomingMessage): UserInfo | undefined {
  return authenticated.get(request);
}
