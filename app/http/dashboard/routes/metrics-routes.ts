import express from 'express';
import path from 'node:path';
import { need, strictRouter, type GuardedRouter } from '../../strict-router';
import type { HttpServices } from '../../http-services';
import { metricsHistoryAnswer } from '../../routes/metrics-history-routes';

/** uPlot, served from node_modules (its version pinned in package.json), never from a CDN. */
const UPLOT_DIR = path.join(path.dirname(require.resolve('uplot/package.json')), 'dist');
const VENDOR_FILES = new Map([['/assets/vendor/uplot.js', 'uPlot.iife.min.js'], ['/assets/vendor/uplot.css', 'uPlot.min.css']]);

/** The charts' data for the app page (the same as the API's GET /apps/:app/metrics), with a session. */
export function metricsPageRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/metrics.json', need.appRead, metricsHistoryAnswer(berth));
  return r;
}

/** The chart library's two files, public like the dashboard's own assets (/assets/vendor/uplot.js, uplot.css). */
export function vendorAssets(): express.RequestHandler {
  return (req, res, next) => {
    const file = req.method === 'GET' || req.method === 'HEAD' ? VENDOR_FILES.get(req.path) : undefined;
    if (!file) { next(); return; }
    res.sendFile(path.join(UPLOT_DIR, file), { maxAge: '1h' });
  };
}
