import { BerthError } from '../../app/errors';
import type { SourceView } from '../../app/ports/buildpack';

/**
 * The Go toolchains berth can give, by release line: Debian bookworm's own (golang-go, in
 * berth/buildpack-go:bookworm, image.sh) and the newer lines bookworm-backports carries
 * (golang-<line>-go), each installed on first use into berth/go:<line> (Runtime.njk). Oldest first.
 */
export const GO_LINES = ['1.19', '1.21', '1.22', '1.23'] as const;
/** The line berth/buildpack-go:bookworm has; apps that ask for no version build with it (nothing to install). */
export const DEFAULT_GO_LINE = '1.19';

/** go.mod's `go 1.21` (or `go 1.21.5`) line, or null. */
export function goDirective(source: SourceView): string | null {
  const m = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(source.read('go.mod') ?? '');
  return m ? m[1] : null;
}

const minorOf = (v: string): [number, number] => { const [a, b] = v.split('.').map(Number); return [a, b ?? 0]; };
const newerOrSame = (line: string, asked: string): boolean => {
  const [x, y] = minorOf(line);
  const [a, b] = minorOf(asked);
  return x > a || (x === a && y >= b);
};

export interface GoChoice {
  /** The release line, e.g. "1.22" (the exact release is what that Debian package holds; the build prints it). */
  readonly line: string;
  /** Why: printed after the line in the push output. */
  readonly why: string;
}

/**
 * The toolchain for an app: go.mod's `go` line picks the same release line when berth has it,
 * else the oldest newer one (Go builds older modules unchanged); a line newer than every toolchain
 * fails, since Go 1.21+ refuses a module that asks for a newer Go than itself.
 */
export function chooseGo(source: SourceView): GoChoice {
  const asked = goDirective(source);
  if (!asked) {
    const why = source.has('go.mod') ? 'go.mod has no go line' : 'GOPATH app (.godir): no go.mod';
    return { line: DEFAULT_GO_LINE, why: `${why}; berth's default` };
  }
  const [a, b] = minorOf(asked);
  const same = GO_LINES.find((l) => l === `${a}.${b}`);
  if (same) return { line: same, why: `go.mod says go ${asked}` };
  const newer = GO_LINES.find((l) => newerOrSame(l, asked));
  if (newer) return { line: newer, why: `go.mod says go ${asked}; berth has no Go ${a}.${b}, so it builds with the oldest newer toolchain` };
  throw new BerthError('RUNTIME_VERSION_UNAVAILABLE',
    `go.mod says go ${asked}, but the newest Go berth can install is ${GO_LINES[GO_LINES.length - 1]} (Debian bookworm-backports). `
    + `Go toolchains berth has: ${GO_LINES.join(', ')}. Lower the go line in go.mod, or build with a Dockerfile.`);
}
