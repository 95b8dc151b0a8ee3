// The review resources, answered by the same authorizers as requests (authorization.ts): the
// authorization.k8s.io access reviews (`kubectl auth can-i`) and SelfSubjectRulesReview
// (`kubectl auth can-i --list`), as kubernetes/kubernetes v1.13 pkg/registry/authorization does
// them, and authentication.k8s.io TokenReview and SelfSubjectReview (`kubectl auth whoami`).
import type { IncomingMessage } from 'node:http';
import type { ResourceRequest } from '../apimachinery/request-info';
import { groupVersion } from '../apimachinery/resource-types';
import { badRequest, invalid } from '../apimachinery/status-error';
import { parseObject } from '../handlers/request-body';
import type { Authorization } from './authorization';
import type { Attributes, Decision, PolicyRule } from './rbac-authorizer';
import type { UserInfo } from './user-info';
import { SANDBOX_USER } from './user-info';

type Json = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** The attributes a review's spec asks about (authorizationutil.ResourceAttributesFrom, NonResourceAttributesFrom). */
function attributesFrom(user: UserInfo, spec: Json, kind: string): Attributes {
  const resource = spec.resourceAttributes as Json | undefined;
  const nonResource = spec.nonResourceAttributes as Json | undefined;
  if (resource && nonResource) {
    throw invalid('authorization.k8s.io', kind, '', [
      {
        field: 'spec.nonResourceAttributes',
        message: 'Invalid value: "": cannot be specified in combination with resourceAttributes',
      },
    ]);
  }
  if (nonResource) return { user, verb: text(nonResource.verb), resourceRequest: false, path: text(nonResource.path) };
  if (!resource) {
    throw invalid('authorization.k8s.io', kind, '', [
      {
        field: 'spec.resourceAttributes',
        message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
      },
    ]);
  }
  return {
    user,
    verb: text(resource.verb),
    resourceRequest: true,
    apiGroup: text(resource.group),
    resource: text(resource.resource),
    subresource: text(resource.subresource) || undefined,
    namespace: text(resource.namespace) || undefined,
    name: text(resource.name) || undefined,
  };
}

/** SubjectAccessReviewStatus: `allowed` always, the reason when there is one. */
const accessStatus = (decision: Decision): Json =>
  decision.reason ? { allowed: decision.allowed, reason: decision.reason } : { allowed: decision.allowed };

/** The user a SubjectAccessReview names in its spec; one of user or groups is required. */
function specUser(spec: Json, kind: string): UserInfo {
  const name = text(spec.user);
  const groups = texts(spec.groups);
  if (!name && groups.length === 0) {
    throw invalid('authorization.k8s.io', kind, '', [
      { field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' },
    ]);
  }
  const extra = Object.fromEntries(
    Object.entries((spec.extra ?? {}) as Json).map(([key, values]) => [key, texts(values)]),
  );
  return { name, uid: text(spec.uid) || undefined, groups, extra };
}

const resourceRule = (rule: PolicyRule): Json => ({
  verbs: rule.verbs,
  ...(rule.apiGroups?.length ? { apiGroups: rule.apiGroups } : {}),
  ...(rule.resources?.length ? { resources: rule.resources } : {}),
  ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
});

export function review(
  authorization: Authorization,
  request: IncomingMessage,
  req: ResourceRequest,
  body: string,
): Json {
  const object = parseObject(body);
  const spec = (object.spec ?? {}) as Json;
  const kind = req.type.kind;
  const base = {
    apiVersion: groupVersion(req.group, req.version),
    kind,
    metadata: { creationTimestamp: null, ...(req.namespace ? { namespace: req.namespace } : {}) },
    spec,
  };
  switch (kind) {
    case 'SelfSubjectAccessReview':
      return {
        ...base,
        status: accessStatus(authorization.decide(attributesFrom(authorization.userOf(request), spec, kind))),
      };
    case 'SubjectAccessReview':
      return { ...base, status: accessStatus(authorization.decide(attributesFrom(specUser(spec, kind), spec, kind))) };
    case 'LocalSubjectAccessReview': {
      const attributes = attributesFrom(specUser(spec, kind), spec, kind);
      if (attributes.resourceRequest && (attributes.namespace ?? '') !== (req.namespace ?? '')) {
        throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${req.namespace ?? ''}`);
      }
      return { ...base, status: accessStatus(authorization.decide(attributes)) };
    }
    case 'SelfSubjectRulesReview': {
      const namespace = text(spec.namespace);
      if (!namespace) throw badRequest('no namespace on request');
      const { rules, error } = authorization.rulesFor(authorization.userOf(request), namespace);
      return {
        ...base,
        status: {
          resourceRules: rules.filter((rule) => rule.resources?.length).map(resourceRule),
          nonResourceRules: rules
            .filter((rule) => rule.nonResourceURLs?.length)
            .map((rule) => ({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs })),
          incomplete: false,
          ...(error ? { evaluationError: error } : {}),
        },
      };
    }
    case 'SelfSubjectReview': {
      const user = authorization.userOf(request);
      const extra = user.extra && Object.keys(user.extra).length > 0 ? { extra: user.extra } : {};
      return { ...base, status: { userInfo: { username: user.name, groups: user.groups, ...extra } } };
    }
    default:
      return {
        ...base,
        status: { authenticated: true, user: { username: SANDBOX_USER.name, groups: SANDBOX_USER.groups } },
      };
  }
}
