// The review resources (authorization.k8s.io SubjectAccessReviews and rules reviews,
// authentication.k8s.io TokenReview and SelfSubjectReview): answered from the sandbox's one user,
// a cluster-admin, and the RBAC denials of the faults (`kubectl auth can-i`, `kubectl auth whoami`).
import type { ResourceRequest } from '../apimachinery/request-info';
import { groupVersion } from '../apimachinery/resource-types';
import type { Faults } from '../faults/faults';
import { parseObject } from '../handlers/request-body';
import { SANDBOX_USER } from './authentication';

export function review(faults: Faults, req: ResourceRequest, body: string): Record<string, unknown> {
  const object = parseObject(body);
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const base = { apiVersion: groupVersion(req.group, req.version), kind: req.type.kind, metadata: { creationTimestamp: null }, spec };
  switch (req.type.kind) {
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview': {
      const attributes = (spec.resourceAttributes ?? {}) as Record<string, string>;
      const namespace = attributes.namespace || undefined;
      const denied =
        faults.isDenied(attributes.verb ?? '', attributes.resource ?? '', namespace) ||
        (Boolean(attributes.subresource) && faults.isDenied(attributes.verb ?? '', `${attributes.resource}/${attributes.subresource}`, namespace));
      return { ...base, status: denied ? { allowed: false } : { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"` } };
    }
    case 'SelfSubjectRulesReview':
      return {
        ...base,
        status: {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        },
      };
    case 'SelfSubjectReview':
      return { ...base, status: { userInfo: { username: SANDBOX_USER, groups: ['system:masters', 'system:authenticated'] } } };
    default:
      return { ...base, status: { authenticated: true, user: { username: SANDBOX_USER } } };
  }
}
