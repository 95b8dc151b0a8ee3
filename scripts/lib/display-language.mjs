// Runs browser VS Code in a display language it has no language pack for (`npm start -- --locale
// ko`, the Korean test pass). VS Code takes `vscode.env.language` from the language pack that
// `--locale` resolves to, and without one falls back to English; the Korean pack comes from the
// Marketplace, which an offline machine cannot reach. So this writes a stand-in pack: an
// extension that contributes the locale with no translations for VS Code's own strings (they
// stay English), and the languagepacks.json entry VS Code would derive from it (so the first
// page load already resolves the locale). Extensions then show their own translations
// (package.nls.<locale>.json and l10n/bundle.l10n.<locale>.json).
// VS Code: src/vs/platform/languagePacks/node/languagePacks.ts (LanguagePacksCache) and
// src/vs/base/node/nls.ts (resolveNLSConfiguration), tag 1.100.3.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const PUBLISHER = 'istio-lab';
const VERSION = '0.0.0';

/** A BCP 47 tag like `ko` or `pt-br`: only these reach file names and the workbench. */
export function isLocale(value) {
  return typeof value === 'string' && /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(value);
}

/** Installs the stand-in pack for `locale` into `extensionsDir` and registers it in `userDataDir`. */
export function prepareDisplayLanguage({ locale, userDataDir, extensionsDir }) {
  const languageId = locale.toLowerCase();
  const name = `display-language-${languageId}`;
  const extension = path.join(extensionsDir, `${PUBLISHER}.${name}-${VERSION}`);
  const translations = path.join(extension, 'translations', 'main.i18n.json');
  fs.mkdirSync(path.dirname(translations), { recursive: true });
  // An empty table: every VS Code string falls back to its English default.
  fs.writeFileSync(translations, `${JSON.stringify({ version: '1.0.0', contents: {} })}\n`);
  const manifest = {
    name,
    publisher: PUBLISHER,
    version: VERSION,
    displayName: `Display language ${languageId} (no VS Code translations)`,
    description: `Lets vscode.env.language be ${languageId} so extensions show their ${languageId} strings; VS Code's own UI stays English.`,
    engines: { vscode: '^1.100.0' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [
        {
          languageId,
          languageName: languageId,
          localizedLanguageName: languageId,
          translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
        },
      ],
    },
  };
  fs.writeFileSync(path.join(extension, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  // The entry LanguagePacksCache writes for this extension, hash included.
  const id = `${PUBLISHER}.${name}`;
  const hash = crypto.createHash('md5').update(id).update(VERSION).digest('hex');
  const file = path.join(userDataDir, 'languagepacks.json');
  let packs = {};
  try {
    packs = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // absent or unreadable: VS Code rebuilds it from the installed packs anyway
  }
  packs[languageId] = {
    hash,
    extensions: [{ extensionIdentifier: { id }, version: VERSION }],
    translations: { vscode: translations },
    label: languageId,
  };
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(packs));
}
