// What is in an unpacked Istio release, one line per directory, in English and Korean — shown
// after a download so the learner knows where istioctl, the demo manifest and the samples are.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LocalisedText {
  readonly en: string;
  readonly ko: string;
}

export interface LayoutEntry {
  /** Relative path, directories with a trailing slash: `bin/`, `install/kubernetes/`. */
  readonly path: string;
  readonly description: LocalisedText;
  /** A file worth opening from the layout (the book's demo manifest, the samples' README…). */
  readonly open?: string;
}

/** Every directory the lab explains, legacy (≤ 1.4) and modern alike; a release shows those it has. */
export const RELEASE_LAYOUT: readonly LayoutEntry[] = [
  {
    path: 'bin/',
    description: {
      en: 'istioctl, the Istio command-line tool; the lab puts it on the terminal PATH once its checksum is verified (or you confirm).',
      ko: 'Istio 명령줄 도구 istioctl이 있습니다. 체크섬이 검증되면(또는 직접 확인하면) 실습이 터미널 PATH에 넣습니다.',
    },
  },
  {
    path: 'install/kubernetes/',
    description: {
      en: 'Ready-made Kubernetes manifests; istio-demo.yaml is the demo profile the book installs.',
      ko: '미리 만들어진 Kubernetes 매니페스트입니다. istio-demo.yaml이 책에서 설치하는 demo 프로필입니다.',
    },
    open: 'install/kubernetes/istio-demo.yaml',
  },
  {
    path: 'install/kubernetes/helm/',
    description: {
      en: 'The Helm charts the manifests were rendered from; istio-init/files/ holds the CRDs applied first.',
      ko: '매니페스트를 만든 Helm 차트입니다. istio-init/files/에는 먼저 적용하는 CRD가 있습니다.',
    },
  },
  {
    path: 'manifests/',
    description: {
      en: 'Charts and installation profiles (demo, default, minimal…) that istioctl install renders.',
      ko: 'istioctl install이 렌더링하는 차트와 설치 프로필(demo, default, minimal 등)입니다.',
    },
    open: 'manifests/profiles/demo.yaml',
  },
  {
    path: 'samples/',
    description: {
      en: 'Example applications such as Bookinfo and httpbin, used in later chapters.',
      ko: 'Bookinfo, httpbin 같은 예제 애플리케이션으로, 이후 장에서 사용합니다.',
    },
    open: 'samples/README.md',
  },
  {
    path: 'tools/',
    description: {
      en: 'Helper scripts and shell completion for istioctl.',
      ko: '보조 스크립트와 istioctl 셸 자동 완성 파일입니다.',
    },
  },
  {
    path: 'istio.VERSION',
    description: {
      en: 'The image hubs and tags this release installs (releases up to 1.4).',
      ko: '이 릴리스가 설치하는 이미지 허브와 태그입니다(1.4 이하 릴리스).',
    },
    open: 'istio.VERSION',
  },
  {
    path: 'manifest.yaml',
    description: {
      en: 'The build manifest: version, image hub and the source commits of the release.',
      ko: '빌드 매니페스트입니다. 버전, 이미지 허브, 릴리스의 소스 커밋이 적혀 있습니다.',
    },
    open: 'manifest.yaml',
  },
];

/** The layout entries a release directory actually has, in RELEASE_LAYOUT's order. */
export async function releaseLayout(directory: string): Promise<LayoutEntry[]> {
  const present = await Promise.all(
    RELEASE_LAYOUT.map((entry) =>
      fs.promises.stat(path.join(directory, entry.path)).then(
        (stat) => (entry.path.endsWith('/') ? stat.isDirectory() : stat.isFile()),
        () => false,
      ),
    ),
  );
  return RELEASE_LAYOUT.filter((_, index) => present[index]);
}

/** Picks the text for a VS Code display language (`ko`, `ko-KR`, `en`, …). */
export function localised(text: LocalisedText, language: string): string {
  return language.toLowerCase().startsWith('ko') ? text.ko : text.en;
}
