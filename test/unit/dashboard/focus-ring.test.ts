import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PUBLIC_DIR } from '../../../app/http/dashboard/views';

/** WCAG's relative luminance of a #rgb / #rrggbb colour. */
function luminance(hex: string): number {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The stylesheet's rules as [selector, declarations] (comments out; @media blocks flattened). */
function rules(css: string): Array<[string, Map<string, string>]> {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/@media[^{]*\{/g, '');
  return [...text.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => {
    const decls = new Map<string, string>();
    for (const d of m[2].split(';')) {
      const i = d.indexOf(':');
      if (i > 0) decls.set(d.slice(0, i).trim(), d.slice(i + 1).trim());
    }
    return [m[1].trim(), decls];
  });
}

const CSS = fs.readFileSync(path.join(PUBLIC_DIR, 'dashboard.css'), 'utf8');
const RULES = rules(CSS);
const vars = new Map([...(RULES.find(([s]) => s === ':root')?.[1] ?? new Map())].filter(([k]) => k.startsWith('--')));
const colour = (v: string): string => {
  const m = /#[0-9a-fA-F]{3,6}\b/.exec(v.replace(/var\((--[\w-]+)\)/g, (_all, name: string) => vars.get(name) ?? ''));
  if (!m) throw new Error(`no colour in "${v}"`);
  return m[0];
};
const declared = (selector: string, prop: string): string => {
  const rule = RULES.find(([s, d]) => s.split(',').map((x) => x.trim()).includes(selector) && d.has(prop));
  if (!rule) throw new Error(`dashboard.css has no ${prop} for ${selector}`);
  return colour(rule[1].get(prop)!);
};

describe('dashboard focus ring contrast (WCAG 1.4.11: 3:1 against what it sits on)', () => {
  // Where a focusable control sits: the page, cards, the failed-deploy banner and flash messages; the header is dark.
  const light = ['body', '.card', '.banner-failed', '.flash-ok', '.flash-error'].map((s) => [s, declared(s, 'background')] as const);
  const header = declared('.top', 'background');

  it('the content ring is 3:1 or more against the page, cards, banners and flash messages', () => {
    const ring = declared('a:focus-visible', 'outline');
    for (const sel of ['button:focus-visible', 'input:focus-visible', 'select:focus-visible', 'textarea:focus-visible', 'summary:focus-visible', 'pre:focus-visible']) {
      assert.equal(declared(sel, 'outline'), ring, `${sel} has the same ring`);
    }
    for (const [sel, bg] of light) {
      const c = contrast(ring, bg);
      assert.ok(c >= 3, `focus ring ${ring} on ${sel} ${bg}: ${c.toFixed(2)}:1`);
    }
  });

  it('the header\'s ring is 3:1 or more against the dark header', () => {
    const ring = declared('.top a:focus-visible', 'outline-color');
    assert.equal(declared('.top button:focus-visible', 'outline-color'), ring);
    const c = contrast(ring, header);
    assert.ok(c >= 3, `focus ring ${ring} on the header ${header}: ${c.toFixed(2)}:1`);
  });

  it('computes WCAG contrast as published (black on white 21:1, #777 on white 4.48:1)', () => {
    assert.equal(contrast('#000', '#fff').toFixed(2), '21.00');
    assert.equal(contrast('#777777', '#ffffff').toFixed(2), '4.48');
  });
});
