import { BerthError } from '../errors';
import type { SwarmNode } from '../ports/swarm';

const CONSTRAINT = /^node\.(id|hostname|role|platform\.os|platform\.arch|labels\.[A-Za-z0-9][A-Za-z0-9._-]{0,99})\s*(==|!=)\s*[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** `node.labels.zone==a,node.role!=manager` (or several words) → checked constraints; `none` clears. */
export function parsePlacement(words: readonly string[]): string[] {
  const parts = words.flatMap((w) => w.split(',')).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 1 && ['none', 'clear', 'any'].includes(parts[0])) return [];
  if (parts.length === 0) throw new BerthError('INVALID_PLACEMENT', 'Give one or more constraints, e.g. node.labels.zone==a, or none to clear them.');
  for (const p of parts) {
    if (!CONSTRAINT.test(p)) throw new BerthError('INVALID_PLACEMENT', `"${p}" is not a placement constraint such as node.labels.zone==a or node.hostname!=h1.`);
  }
  return parts.map((p) => p.replace(/\s+/g, ''));
}

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const LABEL_VALUE = /^[A-Za-z0-9._:/-]{0,200}$/;

/** `zone=a` sets, `zone=` removes. */
export function parseNodeLabels(words: readonly string[]): Record<string, string | null> {
  if (words.length === 0) throw new BerthError('INVALID_NODE_LABEL', 'Give key=value, e.g. zone=a (key= removes the label).');
  const out: Record<string, string | null> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    const key = eq < 0 ? w : w.slice(0, eq);
    const value = eq < 0 ? '' : w.slice(eq + 1);
    if (eq < 0 || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) throw new BerthError('INVALID_NODE_LABEL', `"${w}" is not key=value (letters, digits, dots, dashes, underscores).`);
    out[key] = value === '' ? null : value;
  }
  return out;
}

/**
 * Whether a node meets placement constraints as swarm reads them (`node.id`, `node.hostname`,
 * `node.role`, `node.labels.<key>`; `==` / `!=`). Platform constraints are taken as met: berth's
 * nodes are told apart by what it can see. Used to refuse a drain that would strand a service.
 */
export function nodeMeets(node: SwarmNode, constraints: readonly string[]): boolean {
  return constraints.every((c) => {
    const m = /^node\.(id|hostname|role|labels\.(.+?)|platform\.\w+)\s*(==|!=)\s*(.*)$/.exec(c.trim());
    if (!m) return true;
    const [, field, label, op, want] = m;
    if (field.startsWith('platform.')) return true;
    const have = label !== undefined ? node.labels[label] : field === 'id' ? node.id : field === 'hostname' ? node.hostname : node.role;
    return op === '==' ? have === want : have !== want;
  });
}
