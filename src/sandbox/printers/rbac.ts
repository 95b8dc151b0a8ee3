// RBAC bindings (printers.go, v1.32). Roles and cluster roles have no printer there: the real server
// answers them with the default NAME / CREATED AT table.
import type { KubeObject } from '../apimachinery/kube-object';
import { namedPrinter } from './common';
import { DOC } from './descriptions';
import type { Printer } from './table';
import { column } from './table';
import { asObject, asObjects, asString } from './values';

/** rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
function subjectsStrings(binding: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const subject of asObjects(binding.subjects)) {
    if (subject.kind === 'ServiceAccount')
      serviceAccounts.push(`${asString(subject.namespace)}/${asString(subject.name)}`);
    else if (subject.kind === 'User') users.push(asString(subject.name));
    else if (subject.kind === 'Group') groups.push(asString(subject.name));
  }
  return [users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
}

function bindingPrinter(roleRefDescription: string, noun: string): Printer {
  return namedPrinter({
    columns: [column('Role', 'string', roleRefDescription)],
    afterAge: [
      column('Users', 'string', `Users in the ${noun}`, { priority: 1 }),
      column('Groups', 'string', `Groups in the ${noun}`, { priority: 1 }),
      column('ServiceAccounts', 'string', `ServiceAccounts in the ${noun}`, { priority: 1 }),
    ],
    cells(object) {
      const roleRef = asObject(object.roleRef);
      return [`${asString(roleRef.kind)}/${asString(roleRef.name)}`, ...subjectsStrings(object)];
    },
  });
}

export const roleBindingPrinter = bindingPrinter(DOC.roleBindingRoleRef, 'roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter(DOC.clusterRoleBindingRoleRef, 'clusterRoleBinding');
