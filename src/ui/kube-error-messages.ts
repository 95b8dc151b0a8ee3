// The words for the cluster errors of src/kube/kube-errors.ts, in the user's language: what
// happened and what to do. Views and commands show these instead of an error's English message.
import * as vscode from 'vscode';
import { KubeError } from '../kube/kube-errors';

/** A localised, one-paragraph message for any error met talking to a cluster. */
export function kubeErrorMessage(error: unknown): string {
  if (!(error instanceof KubeError)) return error instanceof Error ? error.message : String(error);
  const { details, statusCode } = error;
  const server = details.server ?? '';
  const cause = details.cause ?? '';
  switch (error.code) {
    case 'no-kubeconfig':
      return vscode.l10n.t(
        'No kubeconfig found: KUBECONFIG is not set and ~/.kube/config does not exist. Create a cluster (or run `npm start` for the sandbox) or set istioLab.kubeconfig.',
      );
    case 'invalid-kubeconfig':
      return vscode.l10n.t(
        'The kubeconfig cannot be used: {0}. Fix the file or point istioLab.kubeconfig at another one.',
        cause,
      );
    case 'unknown-context':
      return vscode.l10n.t(
        'The kubeconfig has no context "{0}" (it has: {1}). Run "Istio Lab: Select Cluster Context…".',
        details.context ?? '',
        details.availableContexts?.join(', ') ?? '',
      );
    case 'host-not-found':
      return vscode.l10n.t(
        "The cluster's server {0} does not resolve ({1}): the cluster may be deleted or the name mistyped.",
        server,
        cause,
      );
    case 'unreachable':
      return vscode.l10n.t(
        "Cannot connect to the cluster's server {0} ({1}): is the cluster running and reachable from here?",
        server,
        cause,
      );
    case 'timeout':
      return vscode.l10n.t(
        "The cluster's server {0} did not answer in time. Check the network or VPN, then refresh.",
        server,
      );
    case 'tls':
      return vscode.l10n.t(
        "The TLS connection to {0} failed ({1}): the kubeconfig's certificate authority does not match the server. Fetch the kubeconfig again.",
        server,
        cause,
      );
    case 'unauthorized':
      return vscode.l10n.t(
        'The cluster rejected the credentials (401 Unauthorized): the token or certificate has expired or been revoked. Log in again (e.g. `gcloud container clusters get-credentials`) and refresh.',
      );
    case 'exec-plugin-missing':
      return vscode.l10n
        .t(
          'The kubeconfig runs "{0}" to get credentials, and it is not installed. {1}',
          details.command ?? '',
          details.installHint ?? '',
        )
        .trim();
    case 'exec-plugin-failed':
      return vscode.l10n.t(
        'The credential plugin "{0}" failed: {1}. Log in with its tool again.',
        details.command ?? '',
        cause,
      );
    case 'forbidden':
      return details.namespace
        ? vscode.l10n.t(
            'Forbidden: your account may not {0} {1} in the namespace "{2}" (RBAC). Ask for the permission; `kubectl auth can-i` shows what you may do.',
            details.verb ?? 'access',
            details.resource ?? '',
            details.namespace,
          )
        : vscode.l10n.t(
            'Forbidden: your account may not {0} {1} in all namespaces (RBAC). Ask for the permission; `kubectl auth can-i` shows what you may do.',
            details.verb ?? 'access',
            details.resource ?? '',
          );
    case 'not-found':
      return vscode.l10n.t('Not found: {0} {1}.', details.resource ?? '', details.name ?? '').trim();
    case 'gone':
      return vscode.l10n.t('The watch fell too far behind (410 Gone); the list is fetched again.');
    case 'server-error':
      return vscode.l10n.t(
        'The server answered {0}: {1}. The view retries by itself.',
        String(statusCode ?? ''),
        cause,
      );
    case 'watch-dropped':
      return vscode.l10n.t(
        'The server answered the watch of {0}, then the stream ended mid-way ({1}). The view watches again by itself.',
        details.resource ?? '',
        cause,
      );
    default:
      return error.message;
  }
}
