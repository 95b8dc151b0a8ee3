// Authentication and authorization of the sandbox's one user: the bearer token of its kubeconfig
// (k8s.io/apiserver pkg/authentication/request/bearertoken), and RBAC as a cluster-admin except
// where the faults deny a verb on a resource (answered in RBAC's own words).
import type { IncomingMessage } from 'node:http';
import type { ResourceRequest } from '../apimachinery/request-info';
import { forbidden, unauthorized } from '../apimachinery/status-error';
import type { Faults } from '../faults/faults';
import { hasBearerToken } from './token-check';

export const SANDBOX_USER = 'istio-lab-learner';

/** The user of a request without credentials: anonymous authentication is on in 1.13, as on GKE. */
export const ANONYMOUS_USER = 'system:anonymous';

/**
 * The request's user. Without an Authorization header it is system:anonymous; a token that does not
 * match is 401 and never falls back to anonymous (kubernetes/kubernetes v1.13
 * pkg/kubeapiserver/authenticator/config.go: union.NewFailOnError(tokens, anonymous)).
 */
export function authenticate(request: IncomingMessage, token: string, faults: Faults): string {
  if (request.headers.authorization === undefined) return ANONYMOUS_USER;
  if (!hasBearerToken(request.headers.authorization, token) || faults.expiredToken) throw unauthorized();
  return SANDBOX_USER;
}

/** 403 as RBAC answers it when a deny rule names the resource (`services`, covering its subresources) or one subresource (`services/proxy`). */
export function authorize(faults: Faults, verb: string, req: Pick<ResourceRequest, 'group' | 'type' | 'namespace' | 'name' | 'subresource'>): void {
  const resourceName = req.subresource ? `${req.type.resource}/${req.subresource}` : req.type.resource;
  if (faults.isDenied(verb, req.type.resource, req.namespace) || (req.subresource && faults.isDenied(verb, resourceName, req.namespace))) {
    throw forbidden(SANDBOX_USER, verb, req.group, resourceName, req.namespace, req.name);
  }
}
