// The registry viewer's error words: a failed fetch (RegistryFetchError), an answer that is not a
// registry (RegistryFormatError) or a cluster error (KubeError) said in the learner's language —
// what happened, why, and what to do.
import * as vscode from 'vscode';
import { RegistryFormatError } from '../istio/registry/json-text';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, RegistryFetchError } from '../istio/registry/registry-fetch';
import { KubeError } from '../kube/kube-errors';
import type { IstioEra } from '../shared/registry-messages';
import { MAX_JSON_DEPTH } from '../shared/registry-messages';
import { ISTIO_NAMESPACE } from '../shared/istio-defaults';

/** The error in the learner's language: what happened, why, and what to do. */
export function describeRegistryError(error: unknown, era?: IstioEra): string {
  const pilot = era === 'istiod' ? 'istiod' : 'Pilot';
  if (error instanceof RegistryFetchError) {
    const { details } = error;
    switch (error.code) {
      case 'not-installed':
        return vscode.l10n.t(
          'Pilot is not installed: istio-system has neither an istiod Service (port 15014) nor an istio-pilot Service (port 8080). Install Istio first (lab step 4), then refresh.',
        );
      case 'not-ready':
        return vscode.l10n.t(
          '{0} is installed, but none of its pods is ready, so nothing answers yet. Watch the control plane come up (lab step 5), then refresh.',
          pilot,
        );
      case 'endpoint-error':
        return vscode.l10n.t(
          '{0} answered HTTP {1}: {2}. It runs but could not list its registry; look at its logs (kubectl logs -n istio-system -l istio=pilot -c discovery), then refresh.',
          pilot,
          details.status ?? '?',
          details.body || '—',
        );
      case 'too-large':
        return vscode.l10n.t(
          'The registry is larger than {0} MB, the most this viewer reads. Fetch it in a terminal with one of the commands below and filter it there.',
          Math.round((details.maxBytes ?? DEFAULT_MAX_BYTES) / 1024 / 1024),
        );
      case 'istiod-needs-local':
        return vscode.l10n.t(
          'istiod refused the request through the API server proxy (401): since Istio 1.11 its debug endpoints answer only local callers, and your Kubernetes user may not port-forward to the istiod pod (create pods/portforward). Ask for that permission, or run the commands below where you have it.',
        );
      case 'forbidden':
        return vscode.l10n.t(
          'Your Kubernetes user may not reach Pilot: RBAC denies {0} in istio-system. Ask a cluster admin for these permissions, or use another context.',
          (details.denied ?? []).join(', '),
        );
      case 'timeout':
        return vscode.l10n.t(
          '{0} did not answer within {1} seconds. Check that the cluster is reachable and {0} is healthy, then refresh.',
          pilot,
          Math.round((details.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000),
        );
      case 'cancelled':
        return vscode.l10n.t('Cancelled.');
    }
  }
  if (error instanceof RegistryFormatError) {
    if (error.problem === 'malformed-json') {
      return vscode.l10n.t(
        '{0} answered with malformed JSON at line {1}, column {2}: “{3}”. The answer may have been cut off; refresh to try again.',
        pilot,
        error.line ?? '?',
        error.column ?? '?',
        error.excerpt ?? '',
      );
    }
    if (error.problem === 'too-deep') {
      return vscode.l10n.t(
        '{0} answered JSON nested deeper than {1} levels (at line {2}, column {3}). No service registry nests like that, so the viewer does not read it; fetch it in a terminal with one of the commands below.',
        pilot,
        MAX_JSON_DEPTH,
        error.line ?? '?',
        error.column ?? '?',
      );
    }
    return vscode.l10n.t(
      '{0} answered JSON that is not a service registry: {1} Is this really {0}?',
      pilot,
      error.message,
    );
  }
  if (error instanceof KubeError) {
    const hint = error.kubectlHint ? ` ${vscode.l10n.t('Check with: {0}', error.kubectlHint)}` : '';
    switch (error.code) {
      case 'forbidden':
        return (
          vscode.l10n.t(
            'Forbidden: your Kubernetes user may not {0} {1} in {2} (RBAC).',
            error.details.verb ?? 'get',
            error.details.resource ?? '',
            error.details.namespace ?? ISTIO_NAMESPACE,
          ) + hint
        );
      case 'unauthorized':
        return (
          vscode.l10n.t(
            'The cluster rejected your credentials (401): the token or certificate has expired. Log in again and refresh.',
          ) + hint
        );
      case 'unreachable':
      case 'host-not-found':
      case 'timeout':
      case 'tls':
        return vscode.l10n.t('Cannot reach the cluster: {0}', error.message) + hint;
      default:
        return error.message + hint;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
