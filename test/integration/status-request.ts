// One HTTPS request to a sandbox with its own token and CA, for tests that check the Status body of
// an answer kubectl would not show whole (decoding and validation errors).
import * as https from 'node:https';
import type { Sandbox } from '../../src/sandbox';

export interface StatusAnswer<T> {
  code: number;
  status: T;
}

/** Sends `body` as `contentType` and parses the JSON answer, whatever its code. */
export function sendForStatus<T>(
  sandbox: Sandbox,
  method: string,
  path: string,
  body: string,
  contentType = 'application/json',
): Promise<StatusAnswer<T>> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${sandbox.url}${path}`,
      {
        method,
        ca: sandbox.caCert,
        headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': contentType },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ code: response.statusCode ?? 0, status: JSON.parse(text) as T }));
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

/** {@link sendForStatus} bound to a suite's sandbox, read when each request is sent (after `before`). */
export function statusSender<T>(cluster: {
  readonly sandbox: Sandbox;
}): (method: string, path: string, body: string, contentType?: string) => Promise<StatusAnswer<T>> {
  return (method, path, body, contentType) => sendForStatus<T>(cluster.sandbox, method, path, body, contentType);
}

/** The Status body a kube-apiserver sends with a refusal (`details` only where it names them). */
export function failureStatus(code: number, reason: string, message: string, details?: object): object {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details && { details }),
    code,
  };
}
