// Authentication of the sandbox's one user: the bearer token of its kubeconfig
// (k8s.io/apiserver pkg/authentication/request/bearertoken) is the cluster's admin, a member of
// `system:masters` as a real cluster's admin certificates are. The user is kept with the request,
// as the apiserver keeps it in the request's context (request.WithUser), for authorization.go.
import type { IncomingMessage } from 'node:http';
import { unauthorized } from '../apimachinery/status-error';
import type { Faults } from '../faults/faults';
import { hasBearerToken } from './token-check';
import type { UserInfo } from './user-info';
import { SANDBOX_USER } from './user-info';

const authenticated = new WeakMap<IncomingMessage, UserInfo>();

/** Whom the request's credentials name; 401 when they name no one. */
export function authenticate(request: IncomingMessage, token: string, faults: Faults): UserInfo {
  if (!hasBearerToken(request.headers.authorization, token) || faults.expiredToken) throw unauthorized();
  authenticated.set(request, SANDBOX_USER);
  return SANDBOX_USER;
}

/** The user authenticate() found for this request (request.UserFrom), before any impersonation. */
export function userFrom(request: IncomingMessage): UserInfo | undefined {
  return authenticated.get(request);
}
