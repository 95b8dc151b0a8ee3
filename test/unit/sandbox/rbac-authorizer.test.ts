// The RBAC authorizer and impersonation over a real object store: the matching rules of
// evaluation_helpers.go (wildcards, `*` with a subresource, resourceNames, non-resource URL
// prefixes), aggregated ClusterRoles, the errors of a binding to a missing role, and an
// impersonator that needs the `impersonate` verb for every user, group and extra it asks for.
import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import test from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import type { StatusError } from '../../../src/sandbox/apimachinery/status-error';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../../../src/sandbox/server/bootstrap-policy';
import { impersonatedUser } from '../../../src/sandbox/server/impersonation';
import type { Attributes } from '../../../src/sandbox/server/rbac-authorizer';
import { RbacAuthorizer } from '../../../src/sandbox/server/rbac-authorizer';
import type { UserInfo } from '../../../src/sandbox/server/user-info';
import { ObjectStore } from '../../../src/sandbox/storage/object-store';

const RBAC = 'rbac.authorization.k8s.io';

function storeWith(objects: KubeObject[]): ObjectStore {
  const store = new ObjectStore();
  for (const object of [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings(), ...objects]) {
    const resource = `${object.kind.toLowerCase()}s`;
    store.put(`${RBAC}/${resource}`, object);
  }
  return store;
}

const clusterRole = (name: string, rules: unknown[], labels?: Record<string, string>): KubeObject => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
});
const bindUser = (name: string, role: string, user: string): KubeObject => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
  subjects: [{ kind: 'User', name: user }],
});

/** The authorizer over the bootstrap policy and one ClusterRole of `rules`, bound to alice. */
const authorizerWithRole = (role: string, rules: unknown[]): RbacAuthorizer =>
  new RbacAuthorizer(storeWith([clusterRole(role, rules), bindUser(`alice-${role}`, role, 'alice')]));

const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] };
const resource = (
  verb: string,
  res: string,
  extra: Partial<Extract<Attributes, { resourceRequest: true }>> = {},
): Attributes => ({
  user: alice,
  verb,
  resourceRequest: true,
  apiGroup: '',
  resource: res,
  ...extra,
});

test('wildcards, a star with a subresource, resourceNames and non-resource prefixes match as evaluation_helpers.go does', () => {
  const rbac = authorizerWithRole('scaler', [
    { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] },
    { verbs: ['*'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['only-this'] },
    { verbs: ['get'], nonResourceURLs: ['/metrics*'] },
  ]);
  assert.equal(
    rbac.authorize(resource('update', 'deployments', { apiGroup: 'apps', subresource: 'scale' })).allowed,
    true,
  );
  assert.equal(
    rbac.authorize(resource('update', 'deployments', { apiGroup: 'apps' })).allowed,
    false,
    '*/scale is not the resource itself',
  );
  assert.equal(
    rbac.authorize(resource('update', 'deployments', { apiGroup: 'apps', subresource: 'status' })).allowed,
    false,
  );
  assert.equal(rbac.authorize(resource('delete', 'configmaps', { namespace: 'x', name: 'only-this' })).allowed, true);
  assert.equal(rbac.authorize(resource('delete', 'configmaps', { namespace: 'x', name: 'other' })).allowed, false);
  assert.equal(
    rbac.authorize(resource('list', 'configmaps', { namespace: 'x' })).allowed,
    false,
    'a list names no object, so resourceNames never grant it',
  );
  assert.equal(
    rbac.authorize({ user: alice, verb: 'get', resourceRequest: false, path: '/metrics/cadvisor' }).allowed,
    true,
  );
  assert.equal(rbac.authorize({ user: alice, verb: 'get', resourceRequest: false, path: '/logs' }).allowed, false);
  assert.equal(
    rbac.authorize({ user: alice, verb: 'get', resourceRequest: false, path: '/version' }).reason,
    'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
  );
});

test('an aggregated ClusterRole grants the rules of the roles its labels select, added after it', () => {
  const store = storeWith([bindUser('alice-view', 'view', 'alice')]);
  const rbac = new RbacAuthorizer(store);
  const listGateways = resource('list', 'gateways', { apiGroup: 'networking.istio.io', namespace: 'default' });
  assert.equal(rbac.authorize(listGateways).allowed, false);
  store.put(
    `${RBAC}/clusterroles`,
    clusterRole('istio-view', [{ verbs: ['get', 'list'], apiGroups: ['networking.istio.io'], resources: ['*'] }], {
      'rbac.authorization.k8s.io/aggregate-to-view': 'true',
    }),
  );
  assert.equal(rbac.authorize(listGateways).allowed, true);
});

test("a binding to a missing role denies with the lister's NotFound as the reason", () => {
  const rbac = new RbacAuthorizer(storeWith([bindUser('alice-ghost', 'ghost', 'alice')]));
  assert.deepEqual(rbac.authorize(resource('get', 'pods', { namespace: 'default' })), {
    allowed: false,
    reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "ghost" not found',
  });
});

function requestWith(headers: [string, string][]): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.url = '/api/v1/namespaces/default/pods';
  // What Node's parser makes of repeated headers: lower-case names, every value kept.
  const distinct: Record<string, string[]> = {};
  for (const [name, value] of headers) (distinct[name.toLowerCase()] ??= []).push(value);
  request.headersDistinct = distinct;
  return request;
}

test('impersonation needs the impersonate verb on each user, group and extra asked for', () => {
  const rbac = authorizerWithRole('impersonate-some', [
    { verbs: ['impersonate'], apiGroups: [''], resources: ['serviceaccounts'] },
    { verbs: ['impersonate'], apiGroups: [''], resources: ['groups'], resourceNames: ['ops'] },
  ]);
  const authorize = (attributes: Attributes) => rbac.authorize(attributes);
  const impersonate = (headers: [string, string][]) => impersonatedUser(requestWith(headers), alice, authorize);
  const asReader: [string, string] = ['Impersonate-User', 'system:serviceaccount:demo:reader'];
  assert.deepEqual(impersonate([asReader]), {
    name: 'system:serviceaccount:demo:reader',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated'],
    extra: {},
  });

  const refusals: { headers: [string, string][]; refusal: (error: StatusError) => boolean }[] = [
    {
      headers: [['Impersonate-User', 'bob']],
      refusal: (error) =>
        error.code === 403 &&
        error.message ===
          'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    },
    {
      headers: [asReader, ['Impersonate-Group', 'ops'], ['Impersonate-Group', 'admins']],
      refusal: (error) =>
        error.message.startsWith('groups "admins" is forbidden: User "alice" cannot impersonate resource "groups"'),
    },
    {
      headers: [asReader, ['Impersonate-Extra-Scopes', 'view']],
      refusal: (error) =>
        error.message.includes('cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io"'),
    },
    {
      headers: [['Impersonate-Group', 'ops']],
      refusal: (error) => error.code === 500 && error.message.includes('without impersonating a user'),
    },
  ];
  for (const { headers, refusal } of refusals)
    assert.throws(() => impersonate(headers), refusal, JSON.stringify(headers));
  assert.equal(impersonate([]), alice, 'no headers: the requestor itself');
});
