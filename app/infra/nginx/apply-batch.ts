import fs from 'node:fs';
import path from 'node:path';
import { BerthError, isBerthError } from '../../errors';
import { readFileOrNull, restoreFile, writeFileAtomic } from './atomic-write';
import type { BatchOutcome, Change, ConfFile } from './change-batch';
import type { CliResult } from './nginx-cli';

export interface BatchDeps {
  /** `nginx -t` of just these server files (scratch-check.ts). */
  readonly checkAlone: (confFiles: readonly string[]) => Promise<CliResult>;
  /** `nginx -t` of the whole config. */
  readonly checkWhole: () => Promise<CliResult>;
  /** One reload (when a master runs); ROUTER_CONFIG_INVALID when nginx refused the new config. */
  readonly reload: () => Promise<void>;
}

/** Files written, with what each held before (null: it did not exist). */
export interface WrittenFiles {
  readonly files: readonly ConfFile[];
  readonly previous: ReadonlyArray<string | null>;
}

interface Written extends WrittenFiles {
  readonly change: Change;
}

/** Writes the files (a null content deletes one); puts every one back if one fails. */
export function writeFiles(files: readonly ConfFile[]): WrittenFiles {
  const w = { files, previous: files.map((f) => readFileOrNull(f.file)) };
  try {
    for (const f of files) {
      if (f.content === null) fs.rmSync(f.file, { force: true });
      else writeFileAtomic(f.file, f.content, f.mode);
    }
  } catch (e) {
    undo(w);
    throw e;
  }
  return w;
}

const write = (change: Change, files: readonly ConfFile[]): Written => ({ change, ...writeFiles(files) });

export function undo(w: WrittenFiles): void {
  w.files.forEach((f, i) => restoreFile(f.file, w.previous[i], f.mode));
}

/** Undoes in reverse order, so two changes of one app in a batch end at what was there before both. */
function undoAll(ws: readonly Written[]): void {
  for (const w of [...ws].reverse()) undo(w);
}

const confsOf = (ws: readonly Written[]): string[] => ws.map((w) => w.files[0]).filter((f) => f.content !== null).map((f) => f.file);

const refused = (w: Written, output: string): BerthError =>
  new BerthError('ROUTER_CONFIG_INVALID', `nginx rejected ${path.basename(w.files[0].file)}: ${output}`);

/**
 * Applies a batch of route changes with one reload. Every change's files are written and nginx
 * reloads: the reload parses the whole config, so it is the check (a refused one leaves the old
 * config serving), and a batch nginx takes costs no separate `nginx -t`. Only when nginx refuses
 * it are the batch's files checked together on their own (not the other apps' files); when
 * nginx refuses that, each alone, and only the refused ones are rolled back and fail
 * (ROUTER_CONFIG_INVALID); the others go live with one more reload. A reload nginx refuses then
 * (a file outside the batch broken by hand, two raw templates clashing) rolls the whole batch back.
 * A raw server block may clash with another app's (wholeConfig): `nginx -t` of the whole config
 * first.
 */
export async function applyBatch(changes: readonly Change[], d: BatchDeps): Promise<BatchOutcome> {
  const outcome: BatchOutcome = new Map();
  const unchanged: Change[] = [];
  let written: Written[] = [];
  for (const change of changes) {
    try {
      const files = await change.files();
      if (files.every((f) => readFileOrNull(f.file) === f.content)) unchanged.push(change); // already live; spare the reload
      else written.push(write(change, files));
    } catch (e) {
      outcome.set(change, e);
    }
  }
  if (written.length > 0 && !written.some((w) => w.change.wholeConfig)) {
    try {
      await d.reload();
      for (const c of [...unchanged, ...written.map((w) => w.change)]) c.afterLive?.();
      return outcome;
    } catch (e) {
      // Refused: find which change nginx refuses, below. Any other failure leaves the files (nginx's
      // state is unknown; the next change or start() applies what is on disk).
      if (!isBerthError(e) || e.code !== 'ROUTER_CONFIG_INVALID') {
        for (const w of written) outcome.set(w.change, e);
        for (const c of unchanged) c.afterLive?.();
        return outcome;
      }
    }
  }
  const check = async (ws: readonly Written[]) => (confsOf(ws).length === 0 ? { ok: true, output: '' } : d.checkAlone(confsOf(ws)));
  if (!(await check(written)).ok) {
    undoAll(written);
    const again = written;
    written = [];
    for (const w of again) {
      let redo: Written;
      try {
        redo = write(w.change, w.files);
      } catch (e) {
        outcome.set(w.change, e);
        continue;
      }
      const r = await check([redo]);
      if (r.ok) written.push(redo);
      else {
        undo(redo);
        outcome.set(w.change, refused(redo, r.output));
      }
    }
  }
  if (written.some((w) => w.change.wholeConfig)) {
    const r = await d.checkWhole();
    if (!r.ok) {
      undoAll(written);
      for (const w of written) outcome.set(w.change, refused(w, r.output));
      written = [];
    }
  }
  if (written.length > 0) {
    try {
      await d.reload();
    } catch (e) {
      // nginx kept the config it had: put the files back to match. Any other failure leaves them
      // (nginx's state is unknown; the next change or start() applies what is on disk).
      if (isBerthError(e) && e.code === 'ROUTER_CONFIG_INVALID') undoAll(written);
      for (const w of written) outcome.set(w.change, e);
      written = [];
    }
  }
  for (const c of [...unchanged, ...written.map((w) => w.change)]) c.afterLive?.();
  return outcome;
}
