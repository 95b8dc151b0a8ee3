// The words for the cluster errors of src/kube/kube-errors.ts, in the user's language: what
// happened and what to do. Views and commands show these instead of an error's English message.
import * as vscode from 'vscode';
import type { KubeErrorCode } from '../kube/kube-errors';
import { KubeError } from '../kube/kube-errors';

/** An error's details by the names its words use (`{server}`, `{cause}`…), '' where it has none. */
type Params = Readonly<Record<string, string>>;

/** Each code's words; a code without an entry (unknown) keeps the error's own message. */
const MESSAGES: { readonly [C in KubeErrorCode]?: (p: Params) => string } = {
  'no-kubeconfig': () =>
    vscode.l10n.t(
      'No kubeconfig found: KUBECONFIG is not set and ~/.kube/config does not exist. Create a cluster (or run `npm start` for the sandbox) or set istioLab.kubeconfig.',
    ),
  'invalid-kubeconfig': (p) =>
    vscode.l10n.t(
      'The kubeconfig cannot be used: {cause}. Fix the file or point istioLab.kubeconfig at another one.',
      p,
    ),
  'unknown-context': (p) =>
    vscode.l10n.t(
      'The kubeconfig has no context "{context}" (it has: {contexts}). Run "Istio Lab: Select Cluster Context…".',
      p,
    ),
  'host-not-found': (p) =>
    vscode.l10n.t(
      "The cluster's server {server} does not resolve ({cause}): the cluster may be deleted or the name mistyped.",
      p,
    ),
  unreachable: (p) =>
    vscode.l10n.t(
      "Cannot connect to the cluster's server {server} ({cause}): is the cluster running and reachable from here?",
      p,
    ),
  timeout: (p) =>
    vscode.l10n.t("The cluster's server {server} did not answer in time. Check the network or VPN, then refresh.", p),
  tls: (p) =>
    vscode.l10n.t(
      "The TLS connection to {server} failed ({cause}): the kubeconfig's certificate authority does not match the server. Fetch the kubeconfig again.",
      p,
    ),
  unauthorized: () =>
    vscode.l10n.t(
      'The cluster rejected the credentials (401 Unauthorized): the token or certificate has expired or been revoked. Log in again (e.g. `gcloud container clusters get-credentials`) and refresh.',
    ),
  'exec-plugin-missing': (p) =>
    vscode.l10n
      .t('The kubeconfig runs "{command}" to get credentials, and it is not installed. {installHint}', p)
      .trim(),
  'exec-plugin-failed': (p) =>
    vscode.l10n.t('The credential plugin "{command}" failed: {cause}. Log in with its tool again.', p),
  forbidden: (p) =>
    p.namespace
      ? vscode.l10n.t(
          'Forbidden: your account may not {verb} {resource} in the namespace "{namespace}" (RBAC). Ask for the permission; `kubectl auth can-i` shows what you may do.',
          p,
        )
      : vscode.l10n.t(
          'Forbidden: your account may not {verb} {resource} in all namespaces (RBAC). Ask for the permission; `kubectl auth can-i` shows what you may do.',
          p,
        ),
  'not-found': (p) => vscode.l10n.t('Not found: {resource} {name}.', p).trim(),
  gone: () => vscode.l10n.t('The watch fell too far behind (410 Gone); the list is fetched again.'),
  'server-error': (p) => vscode.l10n.t('The server answered {status}: {cause}. The view retries by itself.', p),
  'watch-dropped': (p) =>
    vscode.l10n.t(
      'The server answered the watch of {resource}, then the stream ended mid-way ({cause}). The view watches again by itself.',
      p,
    ),
};

/** A localised, one-paragraph message for any error met talking to a cluster. */
export function kubeErrorMessage(error: unknown): string {
  if (!(error instanceof KubeError)) return error instanceof Error ? error.message : String(error);
  const words = MESSAGES[error.code];
  if (!words) return error.message;
  const { details, statusCode } = error;
  return words({
    server: details.server ?? '',
    cause: details.cause ?? '',
    context: details.context ?? '',
    contexts: details.availableContexts?.join(', ') ?? '',
    command: details.command ?? '',
    installHint: details.installHint ?? '',
    verb: details.verb ?? 'access',
    resource: details.resource ?? '',
    namespace: details.namespace ?? '',
    name: details.name ?? '',
    status: String(statusCode ?? ''),
  });
}
