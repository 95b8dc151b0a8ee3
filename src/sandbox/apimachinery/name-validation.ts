// Object names checked as the API server checks them (ValidateObjectMeta's nameFn): which rule a
// resource's names follow, and the messages of k8s.io/apimachinery/pkg/util/validation
// (validation.go: IsDNS1123Subdomain, IsDNS1123Label, IsDNS1035Label with RegexError's example and
// regex; path.IsValidPathSegmentName for RBAC). The wording is that of the servers kubectl 1.32
// meets ("lowercase RFC 1123"); 1.13 said "DNS-1123" where today's says "lowercase RFC 1123".

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';

/** validation.RegexError: the message, examples (joined as Go joins them, double space included) and the regex. */
function regexError(message: string, regex: string, ...examples: string[]): string {
  const shown = examples.map((example, i) => `${i > 0 ? ' or ' : ''}'${example}', `).join('');
  return `${message} (${examples.length ? `e.g. ${shown}` : ''}regex used for validation is '${regex}')`;
}

interface NameRule {
  readonly maxLength?: number;
  readonly regex?: string;
  readonly message?: string;
  readonly examples?: readonly string[];
}

const SUBDOMAIN: NameRule = {
  maxLength: 253,
  regex: DNS1123_SUBDOMAIN,
  message:
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  examples: ['example.com'],
};
const LABEL: NameRule = {
  maxLength: 63,
  regex: DNS1123_LABEL,
  message:
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  examples: ['my-name', '123-abc'],
};
const DNS1035: NameRule = {
  maxLength: 63,
  regex: DNS1035_LABEL,
  message:
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  examples: ['my-name', 'abc-123'],
};

/** path.IsValidPathSegmentName, the rule of RBAC's names (`system:controller:…` is a valid role name). */
function pathSegmentErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%'].filter((illegal) => name.includes(illegal)).map((illegal) => `may not contain '${illegal}'`);
}

/** The rule a resource's names follow in 1.13's validation (namespaces: label; services: DNS-1035; RBAC: path segment; most: subdomain). */
function ruleFor(group: string, resource: string): NameRule | 'path-segment' {
  if (group === 'rbac.authorization.k8s.io') return 'path-segment';
  if (group === '' && resource === 'namespaces') return LABEL;
  if (group === '' && resource === 'services') return DNS1035;
  return SUBDOMAIN;
}

/** The messages of what is wrong with a name, in the validator's order (length first); empty when it is valid. */
export function nameErrors(group: string, resource: string, name: string): string[] {
  const rule = ruleFor(group, resource);
  if (rule === 'path-segment') return pathSegmentErrors(name);
  const errors: string[] = [];
  if (rule.maxLength !== undefined && name.length > rule.maxLength)
    errors.push(`must be no more than ${rule.maxLength} characters`);
  if (rule.regex && !new RegExp(`^${rule.regex}$`).test(name))
    errors.push(regexError(rule.message!, rule.regex, ...(rule.examples ?? [])));
  return errors;
}
