#!/usr/bin/env node
// The README's command and settings tables, generated from package.json's contributions and the
// manifest strings (package.nls.json / package.nls.ko.json), so they cannot drift from the code.
//   node scripts/readme-tables.mjs          rewrite the tables in README.md and README.ko.md
//   node scripts/readme-tables.mjs --check  exit 1 when a README is out of date
// A table sits between `<!-- generated:commands -->` and `<!-- /generated:commands -->` (and
// the same for `settings`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

const readmes = [
  {
    file: 'README.md',
    nls: 'package.nls.json',
    headers: { command: 'Command', title: 'Title', setting: 'Setting', default: 'Default', description: 'Description' },
  },
  {
    file: 'README.ko.md',
    nls: 'package.nls.ko.json',
    headers: { command: '명령 ID', title: '이름', setting: '설정', default: '기본값', description: '설명' },
  },
];

/** `%key%` → its text in the language's manifest strings (English when a translation is missing). */
function localize(value, strings, english) {
  const match = /^%(.+)%$/.exec(value ?? '');
  return match ? (strings[match[1]] ?? english[match[1]] ?? value) : (value ?? '');
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n+/g, ' ');

export function tables(nlsFile, headers) {
  const manifest = readJson('package.json');
  const english = readJson('package.nls.json');
  const strings = readJson(nlsFile);
  const hidden = new Set(
    (manifest.contributes.menus?.commandPalette ?? [])
      .filter((entry) => entry.when === 'false')
      .map((entry) => entry.command),
  );
  const commands = manifest.contributes.commands
    .filter((command) => !hidden.has(command.command))
    .map((command) => {
      const title = localize(command.title, strings, english);
      const category = localize(command.category, strings, english);
      return `| \`${command.command}\` | ${cell(category ? `${category}: ${title}` : title)} |`;
    });
  const properties = Object.entries(manifest.contributes.configuration?.properties ?? {});
  const settings = properties.map(([name, schema]) => {
    const description = localize(schema.markdownDescription ?? schema.description, strings, english);
    return `| \`${name}\` | \`${cell(JSON.stringify(schema.default ?? null))}\` | ${cell(description)} |`;
  });
  return {
    commands: [`| ${headers.command} | ${headers.title} |`, '|---|---|', ...commands].join('\n'),
    settings: [
      `| ${headers.setting} | ${headers.default} | ${headers.description} |`,
      '|---|---|---|',
      ...settings,
    ].join('\n'),
  };
}

/** The README text with each generated block replaced; throws when a marker pair is missing. */
export function render(text, generated, file) {
  let result = text;
  for (const [name, table] of Object.entries(generated)) {
    const pattern = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(result))
      throw new Error(`${file} has no <!-- generated:${name} --> … <!-- /generated:${name} --> block`);
    result = result.replace(pattern, (_, open, close) => `${open}${table}\n${close}`);
  }
  return result;
}

export function outdatedReadmes() {
  return readmes.flatMap(({ file, nls, headers }) => {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    return render(text, tables(nls, headers), file) === text ? [] : [file];
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const outdated = outdatedReadmes();
    if (outdated.length > 0) {
      console.error(`out of date: ${outdated.join(', ')} — run node scripts/readme-tables.mjs`);
      process.exit(1);
    }
  } else {
    for (const { file, nls, headers } of readmes) {
      const full = path.join(root, file);
      fs.writeFileSync(full, render(fs.readFileSync(full, 'utf8'), tables(nls, headers), file));
    }
  }
}
