import type { SourceView } from '../../app/ports/buildpack';

/** The toolchain in berth/buildpack-go:bookworm: Debian bookworm's golang-go (image.sh). Change both together. */
export const GO_TOOLCHAIN = '1.19.8';

/** go.mod's `go 1.21` (or `go 1.21.5`) line, or null. */
export function goDirective(source: SourceView): string | null {
  const m = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(source.read('go.mod') ?? '');
  return m ? m[1] : null;
}

const minorOf = (v: string): [number, number] => { const [a, b] = v.split('.').map(Number); return [a, b ?? 0]; };

/**
 * The line the push prints about the Go version: the go.mod line is met when the installed
 * toolchain is at least that release; otherwise berth says it builds with what it has.
 */
export function goVersionLine(source: SourceView): string {
  const asked = goDirective(source);
  if (!asked) return `-----> Go ${GO_TOOLCHAIN} (${source.has('go.mod') ? 'go.mod has no go line' : 'GOPATH app (.godir): no go.mod'})`;
  const [a, b] = minorOf(asked);
  const [x, y] = minorOf(GO_TOOLCHAIN);
  if (x > a || (x === a && y >= b)) return `-----> Go ${GO_TOOLCHAIN} (go.mod says go ${asked})`;
  return `-----> Go ${GO_TOOLCHAIN}: go.mod asks for go ${asked}, but the newest toolchain berth has is ${GO_TOOLCHAIN} (Debian bookworm); building with it`;
}
