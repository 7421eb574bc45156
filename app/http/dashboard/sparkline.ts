/** The `points` of an SVG polyline drawing `values` left to right in a width × height box (0 at the bottom). */
export function sparkline(values: readonly number[], o: { width: number; height: number; max?: number }): string {
  if (values.length === 0) return '';
  const max = Math.max(o.max ?? 0, ...values) || 1;
  const step = values.length > 1 ? o.width / (values.length - 1) : 0;
  const y = (v: number) => (o.height - (Math.max(0, v) / max) * o.height).toFixed(1);
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${y(v)}`);
  // A single sample: a flat line across, so that it shows.
  return values.length === 1 ? `0,${y(values[0])} ${o.width},${y(values[0])}` : pts.join(' ');
}
