// Whether a container's image is a reference a registry could hold at all: the docker reference
// grammar (github.com/docker/distribution reference/regexp.go, normalize.go ParseNormalizedNamed),
// which the kubelet applies before any pull (kubernetes v1.13 pkg/kubelet/images/image_manager.go
// applyDefaultImageTag). A reference that fails it never reaches a registry: the container waits
// in InvalidImageName. Whether a valid tag exists in its registry cannot be known here.

const ALPHA_NUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]*)';
const NAME_COMPONENT = `${ALPHA_NUMERIC}(?:${SEPARATOR}${ALPHA_NUMERIC})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][A-Fa-f0-9]{32,}';
const NAME = `(?:${DOMAIN}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*`;
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
const NAME_TOTAL_LENGTH_MAX = 255;

/** reference.Parse's errors (reference.go). */
function parseError(reference: string): string | undefined {
  const match = REFERENCE.exec(reference);
  if (!match) {
    if (reference === '') return 'invalid reference format: repository name must have at least one component';
    if (REFERENCE.test(reference.toLowerCase())) return 'invalid reference format: repository name must be lowercase';
    return 'invalid reference format';
  }
  if (match[1].length > NAME_TOTAL_LENGTH_MAX)
    return `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`;
  return undefined;
}

/** ParseNormalizedNamed's error for an image, or undefined when the reference is valid. */
export function imageReferenceError(image: string): string | undefined {
  if (IDENTIFIER.test(image)) return `invalid repository name (${image}), cannot specify 64-byte hexadecimal strings`;
  // splitDockerDomain: the first part is a registry only when it has a dot or a port, or is localhost.
  const slash = image.indexOf('/');
  const hasDomain = slash >= 0 && (/[.:]/.test(image.slice(0, slash)) || image.slice(0, slash) === 'localhost');
  const domain = hasDomain ? image.slice(0, slash) : 'docker.io';
  let remainder = hasDomain ? image.slice(slash + 1) : image;
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  const tagAt = remainder.indexOf(':');
  const remoteName = tagAt >= 0 ? remainder.slice(0, tagAt) : remainder;
  if (remoteName.toLowerCase() !== remoteName) return 'invalid reference format: repository name must be lowercase';
  return parseError(`${domain}/${remainder}`);
}

/** The container's waiting message in InvalidImageName, in the kubelet's words. */
export function invalidImageMessage(image: string, error: string): string {
  return `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": ${error}`;
}
