// The Istio releases the lab offers without a network: the first release of every minor line from
// 1.0 to 1.30, its release date and the Kubernetes versions it supports (istio.io's supportStatus
// table, istio/istio.io data/compatibility/supportStatus.yml), plus the lab's own release. It is a
// menu chosen for learners, not a list of what the tests happen to hold. The GitHub release list
// (release-list.ts) adds patch releases and exact dates when it can be reached.
import * as semver from 'semver';
import { LAB_ISTIO_VERSION } from '../../shared/istio-defaults';

/** Where a Kubernetes range comes from, so a pre-check can word its warning honestly. */
export type KubernetesRangeSource =
  /** istio.io's supportStatus table (the fixture copy). */
  | 'support-table'
  /** Only the minimum istioctl enforces (`MinK8SVersion`); no upper bound is known. */
  | 'istioctl-minimum'
  /** Commonly quoted but not checked against a primary source. */
  | 'unverified';

export interface KubernetesRange {
  /** Lowest supported Kubernetes minor, e.g. `1.12`. */
  readonly min: string;
  /** Highest tested Kubernetes minor, when known. */
  readonly max?: string;
  readonly source: KubernetesRangeSource;
}

export interface IstioRelease {
  /** `1.2.2`. */
  readonly version: string;
  /** ISO date (`2019-06-18`) when known. */
  readonly date?: string;
  /** Kubernetes versions the release line supports, when known. */
  readonly kubernetes?: KubernetesRange;
  /** The release list marked it a pre-release (alpha, beta, rc). */
  readonly prerelease?: boolean;
}

interface MinorLine {
  readonly minor: string;
  /** Date of `<minor>.0`. */
  readonly date: string;
  readonly kubernetes?: KubernetesRange;
}

const table = (min: string, max: string): KubernetesRange => ({ min, max, source: 'support-table' });
const unverified = (min: string, max: string): KubernetesRange => ({ min, max, source: 'unverified' });
const istioctlMinimum = (min: string): KubernetesRange => ({ min, source: 'istioctl-minimum' });

// Dates and ranges: the supportStatus table where it has them ('support-table'); istioctl's MinK8SVersion
// where only that is known; the rest are istio.io's announcements as commonly quoted ('unverified').
const MINOR_LINES: readonly MinorLine[] = [
  { minor: '1.0', date: '2018-07-31', kubernetes: unverified('1.9', '1.11') },
  { minor: '1.1', date: '2019-03-19', kubernetes: unverified('1.11', '1.13') },
  // Istio 1.2's own pre-check refuses 1.11 and older; "1.12, 1.13, 1.14" is the commonly quoted range.
  { minor: '1.2', date: '2019-06-18', kubernetes: unverified('1.12', '1.14') },
  { minor: '1.3', date: '2019-09-12', kubernetes: unverified('1.13', '1.15') },
  { minor: '1.4', date: '2019-11-14', kubernetes: unverified('1.13', '1.15') },
  { minor: '1.5', date: '2020-03-05', kubernetes: unverified('1.14', '1.16') },
  { minor: '1.6', date: '2020-05-21', kubernetes: table('1.15', '1.18') },
  { minor: '1.7', date: '2020-08-21', kubernetes: table('1.16', '1.18') },
  { minor: '1.8', date: '2020-11-19', kubernetes: table('1.16', '1.19') },
  { minor: '1.9', date: '2021-02-09', kubernetes: unverified('1.17', '1.20') },
  { minor: '1.10', date: '2021-05-18', kubernetes: istioctlMinimum('1.17') },
  { minor: '1.11', date: '2021-08-12', kubernetes: istioctlMinimum('1.17') },
  { minor: '1.12', date: '2021-11-18', kubernetes: istioctlMinimum('1.17') },
  { minor: '1.13', date: '2022-02-11', kubernetes: table('1.20', '1.23') },
  { minor: '1.14', date: '2022-05-24', kubernetes: table('1.21', '1.24') },
  { minor: '1.15', date: '2022-08-31', kubernetes: table('1.22', '1.25') },
  { minor: '1.16', date: '2022-11-15', kubernetes: table('1.22', '1.25') },
  { minor: '1.17', date: '2023-02-14', kubernetes: table('1.23', '1.26') },
  { minor: '1.18', date: '2023-06-03', kubernetes: table('1.24', '1.27') },
  { minor: '1.19', date: '2023-09-05', kubernetes: table('1.25', '1.28') },
  { minor: '1.20', date: '2023-11-14', kubernetes: table('1.25', '1.29') },
  { minor: '1.21', date: '2024-03-13', kubernetes: table('1.26', '1.29') },
  { minor: '1.22', date: '2024-05-13', kubernetes: table('1.27', '1.30') },
  { minor: '1.23', date: '2024-08-14', kubernetes: unverified('1.27', '1.30') },
  { minor: '1.24', date: '2024-11-07', kubernetes: unverified('1.28', '1.31') },
  { minor: '1.25', date: '2025-03-03', kubernetes: unverified('1.29', '1.32') },
  { minor: '1.26', date: '2025-05-08', kubernetes: table('1.29', '1.33') },
  { minor: '1.27', date: '2025-08-11', kubernetes: table('1.29', '1.33') },
  { minor: '1.28', date: '2025-11-05', kubernetes: table('1.30', '1.34') },
  { minor: '1.29', date: '2026-02-16', kubernetes: table('1.31', '1.35') },
  { minor: '1.30', date: '2026-05-14', kubernetes: table('1.32', '1.36') },
];

/** Patch releases offered beside the minor lines: the book's 1.2.2, the release the lab installs. */
const LAB_PATCHES: readonly string[] = [LAB_ISTIO_VERSION];

/** `1.2` for `1.2.2`; undefined for text that is not a release version. */
export function minorOf(version: string): string | undefined {
  const parsed = semver.parse(version);
  return parsed ? `${parsed.major}.${parsed.minor}` : undefined;
}

/** 29 for the Kubernetes minor line `1.29` (or a version `v1.29.3`); undefined for text that is not one. */
export function kubernetesMinor(text: string | undefined): number | undefined {
  const minor = text ? Number.parseInt(text.split('.')[1] ?? '', 10) : Number.NaN;
  return Number.isFinite(minor) ? minor : undefined;
}

/** The supported Kubernetes range of a version's minor line, when known. */
export function kubernetesRangeOf(version: string): KubernetesRange | undefined {
  const minor = minorOf(version);
  return MINOR_LINES.find((line) => line.minor === minor)?.kubernetes;
}

/** The built-in catalogue, newest first. */
export function builtinCatalogue(): IstioRelease[] {
  const releases = new Map<string, IstioRelease>();
  for (const line of MINOR_LINES) {
    const version = `${line.minor}.0`;
    releases.set(version, { version, date: line.date, kubernetes: line.kubernetes });
  }
  for (const version of LAB_PATCHES) {
    if (!releases.has(version)) releases.set(version, { version, kubernetes: kubernetesRangeOf(version) });
  }
  return sortNewestFirst([...releases.values()]);
}

export function sortNewestFirst(releases: IstioRelease[]): IstioRelease[] {
  return releases.sort((a, b) => semver.rcompare(a.version, b.version));
}

/** True for the text of a release version (`1.2.2`, `1.27.0-beta.1`); a `v` prefix is not one. */
export function isReleaseVersion(text: string): boolean {
  return semver.valid(text) === text;
}
