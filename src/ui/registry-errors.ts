// The registry viewer's error words: a failed fetch (RegistryFetchError), an answer that is not a
// registry (RegistryFormatError) or a cluster error (KubeError) said in the learner's language —
// what happened, why, and what to do.
import * as vscode from 'vscode';
import { RegistryFormatError } from '../istio/registry/json-text';
import type { RegistryFetchErrorCode } from '../istio/registry/registry-fetch';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, RegistryFetchError } from '../istio/registry/registry-fetch';
import { KubeError } from '../kube/kube-errors';
import type { IstioEra } from '../shared/registry-messages';
import { MAX_JSON_DEPTH } from '../shared/registry-messages';
import { ISTIO_NAMESPACE } from '../shared/istio-defaults';

type Params = Readonly<Record<string, string | number>>;

/** A failed fetch's words: `{pilot}` is istiod or Pilot, the rest the error's details. */
const FETCH_MESSAGES: { readonly [C in RegistryFetchErrorCode]: (p: Params) => string } = {
  'not-installed': () =>
    vscode.l10n.t(
      'Pilot is not installed: istio-system has neither an istiod Service (port 15014) nor an istio-pilot Service (port 8080). Install Istio first (lab step 4), then refresh.',
    ),
  'not-ready': (p) =>
    vscode.l10n.t(
      '{pilot} is installed, but none of its pods is ready, so nothing answers yet. Watch the control plane come up (lab step 5), then refresh.',
      p,
    ),
  'endpoint-error': (p) =>
    vscode.l10n.t(
      '{pilot} answered HTTP {status}: {body}. It runs but could not list its registry; look at its logs (kubectl logs -n istio-system -l istio=pilot -c discovery), then refresh.',
      p,
    ),
  'too-large': (p) =>
    vscode.l10n.t(
      'The registry is larger than {megabytes} MB, the most this viewer reads. Fetch it in a terminal with one of the commands below and filter it there.',
      p,
    ),
  'istiod-needs-local': () =>
    vscode.l10n.t(
      'istiod refused the request through the API server proxy (401): since Istio 1.11 its debug endpoints answer only local callers, and your Kubernetes user may not port-forward to the istiod pod (create pods/portforward). Ask for that permission, or run the commands below where you have it.',
    ),
  forbidden: (p) =>
    vscode.l10n.t(
      'Your Kubernetes user may not reach Pilot: RBAC denies {denied} in istio-system. Ask a cluster admin for these permissions, or use another context.',
      p,
    ),
  timeout: (p) =>
    vscode.l10n.t(
      '{pilot} did not answer within {seconds} seconds. Check that the cluster is reachable and {pilot} is healthy, then refresh.',
      p,
    ),
  cancelled: () => vscode.l10n.t('Cancelled.'),
};

function fetchErrorMessage(error: RegistryFetchError, pilot: string): string {
  const { details } = error;
  return FETCH_MESSAGES[error.code]({
    pilot,
    status: details.status ?? '?',
    body: details.body || '—',
    megabytes: Math.round((details.maxBytes ?? DEFAULT_MAX_BYTES) / 1024 / 1024),
    denied: (details.denied ?? []).join(', '),
    seconds: Math.round((details.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000),
  });
}

function formatErrorMessage(error: RegistryFormatError, pilot: string): string {
  const p = { pilot, line: error.line ?? '?', column: error.column ?? '?', excerpt: error.excerpt ?? '' };
  if (error.problem === 'malformed-json') {
    return vscode.l10n.t(
      '{pilot} answered with malformed JSON at line {line}, column {column}: “{excerpt}”. The answer may have been cut off; refresh to try again.',
      p,
    );
  }
  if (error.problem === 'too-deep') {
    return vscode.l10n.t(
      '{pilot} answered JSON nested deeper than {depth} levels (at line {line}, column {column}). No service registry nests like that, so the viewer does not read it; fetch it in a terminal with one of the commands below.',
      { ...p, depth: MAX_JSON_DEPTH },
    );
  }
  return vscode.l10n.t('{pilot} answered JSON that is not a service registry: {message} Is this really {pilot}?', {
    pilot,
    message: error.message,
  });
}

/** A cluster error met reaching Pilot, with the kubectl command that checks it where there is one. */
function clusterErrorMessage(error: KubeError): string {
  const hint = error.kubectlHint ? ` ${vscode.l10n.t('Check with: {0}', error.kubectlHint)}` : '';
  switch (error.code) {
    case 'forbidden':
      return (
        vscode.l10n.t('Forbidden: your Kubernetes user may not {verb} {resource} in {namespace} (RBAC).', {
          verb: error.details.verb ?? 'get',
          resource: error.details.resource ?? '',
          namespace: error.details.namespace ?? ISTIO_NAMESPACE,
        }) + hint
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

/** The error in the learner's language: what happened, why, and what to do. */
export function describeRegistryError(error: unknown, era?: IstioEra): string {
  const pilot = era === 'istiod' ? 'istiod' : 'Pilot';
  if (error instanceof RegistryFetchError) return fetchErrorMessage(error, pilot);
  if (error instanceof RegistryFormatError) return formatErrorMessage(error, pilot);
  if (error instanceof KubeError) return clusterErrorMessage(error);
  return error instanceof Error ? error.message : String(error);
}
