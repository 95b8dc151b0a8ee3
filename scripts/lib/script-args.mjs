// Command-line options of the build scripts: node's parseArgs plus `--help`, and options the
// script cannot run without. A script names its sources on the command line; none has a default
// path, because a path is only true of one machine.
import { parseArgs } from 'node:util';

/**
 * Parses process.argv. `--help` prints `usage` and exits 0; an unknown option or a missing
 * required one prints the reason and `usage` to stderr and exits 2.
 *
 * @param {string} usage the text `--help` prints: how to run the script and what each option is.
 * @param {Record<string, import('node:util').ParseArgsOptionDescriptor & { required?: boolean }>} options
 * @returns {Record<string, string | boolean | undefined>}
 */
export function parseScriptArgs(usage, options) {
  const spec = Object.fromEntries(Object.entries(options).map(([name, option]) => [name, withoutRequired(option)]));
  let values;
  try {
    ({ values } = parseArgs({ options: { ...spec, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), usage);
  }
  if (values.help) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  const missing = Object.entries(options)
    .filter(([name, option]) => option.required && values[name] === undefined)
    .map(([name]) => `--${name}`);
  if (missing.length) fail(`missing ${missing.join(', ')}`, usage);
  return values;
}

/** parseArgs refuses keys it does not know. */
function withoutRequired(option) {
  const copy = { ...option };
  delete copy.required;
  return copy;
}

function fail(reason, usage) {
  process.stderr.write(`${reason}\n\n${usage.trim()}\n`);
  process.exit(2);
}
