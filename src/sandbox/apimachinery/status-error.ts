// API errors as the real server sends them: a metav1.Status with reason, code and details.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `deployments.apps`, `pods`: how messages name a resource. */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const notFound = (group: string, resource: string, name: string): StatusError =>
  new StatusError(404, 'NotFound', `${qualifiedResource(group, resource)} "${name}" not found`, {
    name,
    group: group || undefined,
    kind: resource,
  });

export const alreadyExists = (group: string, resource: string, name: string): StatusError =>
  new StatusError(409, 'AlreadyExists', `${qualifiedResource(group, resource)} "${name}" already exists`, {
    name,
    group: group || undefined,
    kind: resource,
  });

export const conflict = (group: string, resource: string, name: string): StatusError =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: group || undefined, kind: resource },
  );

export const invalid = (group: string, kind: string, name: string, causes: StatusCause[]): StatusError =>
  new StatusError(
    422,
    'Invalid',
    `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${causes.map((cause) => `${cause.field}: ${cause.message}`).join(', ')}`,
    { name, group: group || undefined, kind, causes },
  );

export const badRequest = (message: string): StatusError => new StatusError(400, 'BadRequest', message);

export const methodNotAllowed = (message: string): StatusError => new StatusError(405, 'MethodNotAllowed', message);

export const gone = (message: string): StatusError => new StatusError(410, 'Expired', message);

/** What a 403 names (authorizer.Attributes): a resource and subresource, or a non-resource path. */
export type ForbiddenRequest =
  | {
      user: string;
      verb: string;
      group: string;
      resource: string;
      subresource?: string;
      namespace?: string;
      name?: string;
    }
  | { user: string; verb: string; path: string };

/** Go's %q, near enough for the names a request can carry. */
const q = (text: string): string => JSON.stringify(text);

/** responsewriters.Forbidden of k8s.io/apiserver v1.13 (errors.go): `&`, `<`, `>` escaped, the authorizer's reason after a colon. */
export function forbidden(request: ForbiddenRequest, reason = ''): StatusError {
  const sanitize = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const suffix = reason ? `: ${reason}` : '';
  if ('path' in request) {
    return new StatusError(
      403,
      'Forbidden',
      `forbidden: ${sanitize(`User ${q(request.user)} cannot ${request.verb} path ${q(request.path)}`)}${suffix}`,
      {},
    );
  }
  const { user, verb, group, resource, subresource, namespace, name } = request;
  const scope = namespace ? `in the namespace ${q(namespace)}` : 'at the cluster scope';
  const message = sanitize(
    `User ${q(user)} cannot ${verb} resource ${q(subresource ? `${resource}/${subresource}` : resource)} in API group ${q(group)} ${scope}`,
  );
  return new StatusError(
    403,
    'Forbidden',
    `${qualifiedResource(group, resource)}${name ? ` ${q(name)}` : ''} is forbidden: ${message}${suffix}`,
    {
      name: name || undefined,
      group: group || undefined,
      kind: resource,
    },
  );
}

export const unauthorized = (): StatusError => new StatusError(401, 'Unauthorized', 'Unauthorized');

export const namespaceTerminating = (namespace: string, group: string, resource: string, name: string): StatusError =>
  new StatusError(
    403,
    'Forbidden',
    `${qualifiedResource(group, resource)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    {
      name,
      group: group || undefined,
      kind: resource,
      causes: [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ],
    },
  );

/** A server-side apply conflict (apimachinery errors.NewApplyConflict): causes carry FieldManagerConflict. */
export const applyConflict = (causes: StatusCause[], message: string): StatusError =>
  new StatusError(409, 'Conflict', message, { causes });

/** 415 for a body the endpoint does not accept, listing what it does (negotiation.NewUnsupportedMediaTypeError). */
export const unsupportedMediaType = (accepted: readonly string[]): StatusError =>
  new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );

/** errors.NewGenericServerResponse(422, …): the server's own words replace the cause, as for a failed JSON patch. */
export const unprocessableEntity = (): StatusError =>
  new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});

/** A plain Go error reaching the handler: 500 with StatusReasonUnknown (""), the error text as message. */
export const internalUnknown = (message: string): StatusError => new StatusError(500, '', message);

/** 413 with reason RequestEntityTooLarge. */
export const requestEntityTooLarge = (message: string): StatusError =>
  new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
