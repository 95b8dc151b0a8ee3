// The registry viewer's page: a strict Content-Security-Policy (scripts only with this page's
// nonce, styles and images only from the webview's own resources, no inline handlers), the
// stylesheet, the two architecture drawings as inert <template>s, the translations of the
// learner's language (a data attribute the bundle reads, so no inline script), and the bundle. No
// cluster data is ever written here; it arrives later as validated messages. Plain string
// building, no 'vscode', so the browser tests render the very same page.
import { randomBytes } from 'node:crypto';

export interface RegistryPageInput {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** The SVG files of media/registry/, as text (our own drawings, not cluster data). */
  readonly legacySvg: string;
  readonly istiodSvg: string;
  readonly lang: string;
  /** `vscode.l10n.bundle`: this extension's translations for the display language; none in English. */
  readonly l10nBundle: Readonly<Record<string, string>> | undefined;
}

/** A fresh nonce for each page. */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

const attribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Strips what our SVG files never need in a page: an XML prolog, scripts, event attributes. */
function inertSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*>\s*/g, '')
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*')/gi, '');
}

export function registryPageHtml(input: RegistryPageInput): string {
  const csp = [
    "default-src 'none'",
    `img-src ${input.cspSource} data:`,
    `style-src ${input.cspSource}`,
    `font-src ${input.cspSource}`,
    `script-src 'nonce-${input.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${attribute(input.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(input.styleUri)}">
<title>Istio Lab registry</title>
</head>
<body${input.l10nBundle ? ` data-l10n-bundle="${attribute(JSON.stringify(input.l10nBundle))}"` : ''}>
<template id="diagram-legacy">${inertSvg(input.legacySvg)}</template>
<template id="diagram-istiod">${inertSvg(input.istiodSvg)}</template>
<script nonce="${attribute(input.nonce)}" src="${attribute(input.scriptUri)}"></script>
</body>
</html>
`;
}
