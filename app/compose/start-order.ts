import { invalidCompose } from './compose-fields';

/**
 * Services in the order they start: each after every service it depends on; among those free to
 * start, file order. A cycle is a malformed file (compose refuses it too).
 */
export function startOrder(services: readonly { name: string; after: readonly string[] }[], file: string): string[] {
  const done = new Set<string>();
  const out: string[] = [];
  while (out.length < services.length) {
    const next = services.find((s) => !done.has(s.name) && s.after.every((a) => done.has(a)));
    if (!next) {
      const stuck = services.filter((s) => !done.has(s.name)).map((s) => s.name);
      throw invalidCompose(file, `depends_on forms a cycle among ${stuck.join(', ')}`);
    }
    done.add(next.name);
    out.push(next.name);
  }
  return out;
}
