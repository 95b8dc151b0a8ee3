// The RBAC authorizer, a port of kubernetes/kubernetes v1.13 plugin/pkg/auth/authorizer/rbac/rbac.go
// with its rule resolver (pkg/registry/rbac/validation/rule.go) and matching helpers
// (pkg/apis/rbac/v1/evaluation_helpers.go). Roles, ClusterRoles and their bindings are read from
// storage on every decision, so a binding created a moment ago counts at once. A ClusterRole with
// an aggregationRule also gets the rules of the ClusterRoles its selectors pick, which the
// clusterrole-aggregation controller would have copied into it.
import type { KubeObject } from '../apimachinery/kube-object';
import { asJson, asList, selectorMatches } from '../apimachinery/objects';
import type { ObjectStorage } from '../storage/storage';
import type { UserInfo } from './user-info';

export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** What a request asks to do (authorizer.Attributes): a resource request or a non-resource path. */
export type Attributes =
  | {
      readonly user: UserInfo;
      readonly verb: string;
      readonly resourceRequest: true;
      readonly apiGroup: string;
      readonly resource: string;
      readonly subresource?: string;
      readonly namespace?: string;
      readonly name?: string;
    }
  | { readonly user: UserInfo; readonly verb: string; readonly resourceRequest: false; readonly path: string };

export interface Decision {
  readonly allowed: boolean;
  /** Why: the binding that allowed, or the errors met on the way to a denial. */
  readonly reason: string;
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

const ROLES = 'rbac.authorization.k8s.io/roles';
const ROLE_BINDINGS = 'rbac.authorization.k8s.io/rolebindings';
const CLUSTER_ROLES = 'rbac.authorization.k8s.io/clusterroles';
const CLUSTER_ROLE_BINDINGS = 'rbac.authorization.k8s.io/clusterrolebindings';

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

function policyRules(object: KubeObject): PolicyRule[] {
  return asList(object.rules).map((rule) => ({
    verbs: strings(rule.verbs),
    apiGroups: strings(rule.apiGroups),
    resources: strings(rule.resources),
    resourceNames: strings(rule.resourceNames),
    nonResourceURLs: strings(rule.nonResourceURLs),
  }));
}

const verbMatches = (rule: PolicyRule, verb: string): boolean => rule.verbs.some((v) => v === '*' || v === verb);
const apiGroupMatches = (rule: PolicyRule, group: string): boolean =>
  (rule.apiGroups ?? []).some((g) => g === '*' || g === group);

// `*`, the exact `resource/subresource`, or a star with the subresource (`*` + `/log`).
function resourceMatches(rule: PolicyRule, combined: string, subresource: string | undefined): boolean {
  return (rule.resources ?? []).some(
    (r) =>
      r === '*' ||
      r === combined ||
      (!!subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)),
  );
}

const resourceNameMatches = (rule: PolicyRule, name: string | undefined): boolean =>
  (rule.resourceNames ?? []).length === 0 || (rule.resourceNames ?? []).some((n) => n === (name ?? ''));

/** `*`, the exact path, or a prefix ending in `*`. */
const nonResourceURLMatches = (rule: PolicyRule, path: string): boolean =>
  (rule.nonResourceURLs ?? []).some(
    (url) => url === '*' || url === path || (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))),
  );

/** RuleAllows of rbac.go. */
export function ruleAllows(attributes: Attributes, rule: PolicyRule): boolean {
  if (!attributes.resourceRequest)
    return verbMatches(rule, attributes.verb) && nonResourceURLMatches(rule, attributes.path);
  const combined = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  return (
    verbMatches(rule, attributes.verb) &&
    apiGroupMatches(rule, attributes.apiGroup) &&
    resourceMatches(rule, combined, attributes.subresource) &&
    resourceNameMatches(rule, attributes.name)
  );
}

/** Whether the subject names the user (appliesToUser); a service account without a namespace takes the binding's. */
function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name ?? '');
    case 'ServiceAccount': {
      const saNamespace = subject.namespace || namespace;
      return saNamespace !== '' && user.name === `system:serviceaccount:${saNamespace}:${subject.name ?? ''}`;
    }
    default:
      return false;
  }
}

/** How rule.go's describers name a subject: `ServiceAccount "reader/demo"`, `Group "system:masters"`. */
function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount')
    return `${subject.kind} "${subject.name ?? ''}/${subject.namespace || bindingNamespace}"`;
  return `${subject.kind ?? ''} "${subject.name ?? ''}"`;
}

/** A lister's NotFound: `clusterrole.rbac.authorization.k8s.io "x" not found`. */
const notFoundError = (kind: 'role' | 'clusterrole', name: string): string =>
  `${kind}.rbac.authorization.k8s.io "${name}" not found`;

type Visitor = (source: string | undefined, rule: PolicyRule | undefined, error: string | undefined) => boolean;

export class RbacAuthorizer {
  constructor(private readonly store: ObjectStorage) {}

  /** Authorize: allowed by the first rule that matches, otherwise no opinion (a denial) with the errors met. */
  authorize(attributes: Attributes): Decision {
    const errors: string[] = [];
    let allowedBy: string | undefined;
    this.visitRulesFor(
      attributes.user,
      attributes.resourceRequest ? (attributes.namespace ?? '') : '',
      (source, rule, error) => {
        if (rule && ruleAllows(attributes, rule)) {
          allowedBy = source;
          return false;
        }
        if (error) errors.push(error);
        return true;
      },
    );
    if (allowedBy !== undefined) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
    return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregate(errors)}` : '' };
  }

  /** Every rule that applies to the user in the namespace (RulesFor), and the errors met; for rules reviews. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; error?: string } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_source, rule, error) => {
      if (rule) rules.push(rule);
      if (error) errors.push(error);
      return true;
    });
    return errors.length > 0 ? { rules, error: aggregate(errors) } : { rules };
  }

  /** VisitRulesFor of rule.go: ClusterRoleBindings first, then the namespace's RoleBindings. */
  private visitRulesFor(user: UserInfo, namespace: string, visit: Visitor): void {
    for (const binding of this.store.list(CLUSTER_ROLE_BINDINGS)) {
      const subject = asList(binding.subjects).find((candidate) => appliesToUser(user, candidate as Subject, '')) as
        Subject | undefined;
      if (!subject) continue;
      const roleRef = asJson(binding.roleRef);
      const { rules, error } = this.roleRefRules(roleRef, '');
      if (error && !visit(undefined, undefined, error)) return;
      const source = `ClusterRoleBinding "${binding.metadata.name}" of ${String(roleRef.kind)} "${String(roleRef.name)}" to ${describeSubject(subject, '')}`;
      for (const rule of rules) if (!visit(source, rule, undefined)) return;
    }
    if (!namespace) return;
    for (const binding of this.store.list(ROLE_BINDINGS, namespace)) {
      const subject = asList(binding.subjects).find((candidate) =>
        appliesToUser(user, candidate as Subject, namespace),
      ) as Subject | undefined;
      if (!subject) continue;
      const roleRef = asJson(binding.roleRef);
      const { rules, error } = this.roleRefRules(roleRef, namespace);
      if (error && !visit(undefined, undefined, error)) return;
      const source = `RoleBinding "${binding.metadata.name}/${namespace}" of ${String(roleRef.kind)} "${String(roleRef.name)}" to ${describeSubject(subject, namespace)}`;
      for (const rule of rules) if (!visit(source, rule, undefined)) return;
    }
  }

  /** GetRoleReferenceRules: a Role of the binding's namespace, or a ClusterRole. */
  private roleRefRules(roleRef: Record<string, unknown>, namespace: string): { rules: PolicyRule[]; error?: string } {
    const name = String(roleRef.name ?? '');
    if (roleRef.kind === 'Role') {
      const role = this.store.get(ROLES, namespace, name);
      return role ? { rules: policyRules(role) } : { rules: [], error: notFoundError('role', name) };
    }
    if (roleRef.kind === 'ClusterRole') {
      const role = this.store.get(CLUSTER_ROLES, undefined, name);
      return role ? { rules: this.clusterRoleRules(role) } : { rules: [], error: notFoundError('clusterrole', name) };
    }
    return { rules: [], error: `unsupported role reference kind: "${String(roleRef.kind)}"` };
  }

  /** A ClusterRole's rules, with those its aggregationRule selects (what the aggregation controller keeps in it). */
  private clusterRoleRules(role: KubeObject): PolicyRule[] {
    const selectors = asList(asJson(role.aggregationRule).clusterRoleSelectors);
    const rules = policyRules(role);
    if (selectors.length === 0) return rules;
    for (const other of this.store.list(CLUSTER_ROLES)) {
      if (other.metadata.name === role.metadata.name) continue;
      if (!selectors.some((selector) => selectorMatches(selector, other.metadata.labels))) continue;
      for (const rule of policyRules(other)) if (!rules.some((known) => sameRule(known, rule))) rules.push(rule);
    }
    return rules;
  }
}

const sameRule = (a: PolicyRule, b: PolicyRule): boolean => JSON.stringify(a) === JSON.stringify(b);

/** utilerrors.NewAggregate(errs).Error(): one message, or `[a, b]`. */
const aggregate = (errors: string[]): string => (errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
