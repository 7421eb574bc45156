import fs from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import type { RouteView } from './validate';

/**
 * Compiled code runs from dist/app/infra/nginx while the templates stay in the source tree,
 * so look there first and fall back to a copy next to this file.
 */
export function findTemplatesDir(): string {
  const candidates = [
    path.resolve(__dirname, '../../../../app/infra/nginx/templates'),
    path.resolve(__dirname, 'templates'),
  ];
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'nginx.conf.njk')));
  if (!found) throw new Error(`nginx templates not found (looked in ${candidates.join(', ')})`);
  return found;
}

export interface MainConfView {
  readonly listen: string;
}

export interface AppConfView extends RouteView {
  readonly listen: string;
  readonly clientMaxBodySize: string;
}

/** Renders berth's nginx templates. Autoescape is off: values are validated before they get here. */
export class NginxTemplates {
  private readonly env: nunjucks.Environment;

  constructor(dir: string = findTemplatesDir()) {
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), {
      autoescape: false,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: true,
    });
  }

  mainConf(view: MainConfView): string {
    return this.env.render('nginx.conf.njk', view);
  }

  appConf(view: AppConfView): string {
    return this.env.render('app.conf.njk', view);
  }

  /** Static pages written to `pages/`; the 502 page names the app through SSI (`$berth_app`). */
  pages(): Record<string, string> {
    return {
      '404.html': this.env.render('404.html.njk', {}),
      '502.html': this.env.render('502.html.njk', {}),
    };
  }
}
