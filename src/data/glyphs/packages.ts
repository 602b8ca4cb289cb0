import { execFileSync } from 'node:child_process';

/**
 * The Debian font packages the glyph benchmark renders with. One face per font file: proportional
 * twins (IPA P-fonts) and the other regions of a Noto CJK .ttc share their ideograph outlines,
 * so they would add copies, not faces.
 */
export const GLYPH_FONT_PACKAGES: { pkg: string; files?: RegExp; family?: RegExp }[] = [
  { pkg: 'fonts-noto-cjk', family: /CJK SC$/ },
  { pkg: 'fonts-noto-cjk-extra', family: /CJK SC$/ },
  { pkg: 'fonts-wqy-zenhei', family: /^WenQuanYi Zen Hei$/ },
  { pkg: 'fonts-wqy-microhei', family: /^WenQuanYi Micro Hei$/ },
  { pkg: 'fonts-arphic-ukai', family: /^AR PL UKai CN$/ },
  { pkg: 'fonts-arphic-uming', family: /^AR PL UMing CN$/ },
  { pkg: 'fonts-ipafont-gothic', files: /\/ipag\.ttf$/ },
  { pkg: 'fonts-ipafont-mincho', files: /\/ipam\.ttf$/ },
  { pkg: 'fonts-ipaexfont-gothic' },
  { pkg: 'fonts-ipaexfont-mincho' },
];

/** installed version of a Debian package, or undefined */
export function debianVersion(pkg: string): string | undefined {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) || undefined;
  } catch {
    return undefined;
  }
}

/** the font files a Debian package installed */
export function packageFontFiles(pkg: string): string[] {
  const out = execFileSync('dpkg', ['-L', pkg], { encoding: 'utf8' });
  return out.split('\n').filter((f) => /\.(ttf|ttc|otf)$/i.test(f)).sort();
}

/** Installs missing packages with apt-get (root only), or says which command to run. */
export function ensurePackages(pkgs: string[], install: boolean): void {
  const missing = pkgs.filter((p) => !debianVersion(p));
  if (missing.length === 0) return;
  const cmd = ['apt-get', 'install', '-y', '--no-install-recommends', ...missing];
  if (!install) throw new Error(`font packages not installed: ${missing.join(', ')}; run \`${cmd.join(' ')}\` (as root) or pass --install`);
  execFileSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
