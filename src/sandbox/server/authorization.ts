// Authorization of HTTP requests, as k8s.io/apiserver v1.13 pkg/endpoints/filters (impersonation.go,
// then authorization.go) does it: the request acts as its authenticated user or whom that user may
// impersonate, its attributes are read from the path (pkg/endpoints/request/requestinfo.go), and the
// authorizers decide in turn — the faults' RBAC denials (../faults), then RBAC itself. A denial is the
// 403 of responsewriters.Forbidden. The sandbox's controllers write through the in-process client
// and are never asked; nor are the events of a watch once it was allowed.
import type { IncomingMessage } from 'node:http';
import type { ResourceRequest } from '../apimachinery/request-info';
import { forbidden, unauthorized } from '../apimachinery/status-error';
import type { Faults } from '../faults/faults';
import type { ObjectStorage } from '../storage/storage';
import { userFrom } from './authentication';
import { impersonatedUser } from './impersonation';
import type { Attributes, Decision, PolicyRule } from './rbac-authorizer';
import { RbacAuthorizer } from './rbac-authorizer';
import type { UserInfo } from './user-info';

/** requestinfo.go: `/api/v1/…` needs a third segment, `/apis/g/v/…` a fourth, to name a resource. */
export function isResourcePath(pathname: string): boolean {
  const parts = pathname.split('/').filter(Boolean);
  return (parts[0] === 'api' && parts.length >= 3) || (parts[0] === 'apis' && parts.length >= 4);
}

/** A list or watch of one object by `fieldSelector=metadata.name=x` is authorized for that name (requestinfo.go). */
function nameFromFieldSelector(url: URL): string | undefined {
  const terms = (url.searchParams.get('fieldSelector') ?? '').split(',').map((term) => term.trim());
  const name = terms
    .map((term) => /^metadata\.name\s*==?\s*(.*)$/.exec(term)?.[1])
    .find((value) => value !== undefined);
  return name && name !== '.' && name !== '..' && !/[/%]/.test(name) ? name : undefined;
}

export class Authorization {
  private readonly rbac: RbacAuthorizer;
  private readonly acting = new WeakMap<IncomingMessage, UserInfo>();

  constructor(
    store: ObjectStorage,
    private readonly faults: Faults,
  ) {
    this.rbac = new RbacAuthorizer(store);
  }

  /** The union of the authorizers: a fault's denial first, then RBAC (a denial carries RBAC's errors, if any). */
  decide(attributes: Attributes): Decision {
    if (attributes.resourceRequest) {
      const { verb, resource, subresource, namespace } = attributes;
      const denied =
        this.faults.isDenied(verb, resource, namespace) ||
        (!!subresource && this.faults.isDenied(verb, `${resource}/${subresource}`, namespace));
      if (denied) return { allowed: false, reason: '' };
    }
    return this.rbac.authorize(attributes);
  }

  /** The rules of a rules review (RulesFor); the faults' denials are not rules and do not show. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; error?: string } {
    return this.rbac.rulesFor(user, namespace);
  }

  /** Whom the request acts as: its authenticated user, or whom the Impersonate-* headers name and it may impersonate. */
  userOf(request: IncomingMessage): UserInfo {
    const known = this.acting.get(request);
    if (known) return known;
    const requestor = userFrom(request);
    if (!requestor) throw unauthorized();
    const user = impersonatedUser(request, requestor, (attributes) => this.decide(attributes));
    this.acting.set(request, user);
    return user;
  }

  /** 403 unless the request's user may do `verb` to what `req` addresses. */
  authorizeResource(
    request: IncomingMessage,
    verb: string,
    req: Pick<ResourceRequest, 'group' | 'type' | 'namespace' | 'name' | 'subresource'>,
  ): void {
    const user = this.userOf(request);
    const url = new URL(request.url ?? '/', 'https://sandbox');
    const isCollectionRead = !req.name && (verb === 'list' || verb === 'watch');
    const name = req.name ?? (isCollectionRead ? nameFromFieldSelector(url) : undefined);
    // A namespace's own path names it as the namespace too (requestinfo.go), so a RoleBinding there can grant it.
    const namespace =
      req.namespace ?? (req.type.resource === 'namespaces' && !req.type.namespaced ? req.name : undefined);
    const attributes: Attributes = {
      user,
      verb,
      resourceRequest: true,
      apiGroup: req.group,
      resource: req.type.resource,
      subresource: req.subresource,
      namespace,
      name,
    };
    const decision = this.decide(attributes);
    if (!decision.allowed)
      throw forbidden(
        {
          user: user.name,
          verb,
          group: req.group,
          resource: req.type.resource,
          subresource: req.subresource,
          namespace,
          name,
        },
        decision.reason,
      );
  }

  /** 403 unless the request's user may use a path that names no resource (`/version`, `/apis`, `/openapi/v3`); resource paths pass here. */
  authorizeNonResource(request: IncomingMessage, pathname: string): void {
    if (isResourcePath(pathname)) return;
    const user = this.userOf(request);
    const verb = (request.method ?? 'GET').toLowerCase();
    const decision = this.decide({ user, verb, resourceRequest: false, path: pathname });
    if (!decision.allowed) throw forbidden({ user: user.name, verb, path: pathname }, decision.reason);
  }
}
