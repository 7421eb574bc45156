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
 * (ROUTER_CONFIG_INVALID); the others go live with one more reload. A raw server block may clash
 * with another app's (wholeConfig): `nginx -t` of the whole config first. When the whole config
 * is refused although each part passed alone (two raw templates clashing, a raw one clashing with
 * an app outside the batch), `isolate` finds the changes nginx refuses in the company of the rest
 * and only those fail: a route change never waits on an unrelated app's.
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
  let refusedWhole = false;
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
      refusedWhole = true;
    }
  }
  const check = async (ws: readonly Written[]) => (confsOf(ws).length === 0 ? { ok: true, output: '' } : d.checkAlone(confsOf(ws)));
  const together = await check(written);
  if (!together.ok) {
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
  // The parts pass alone: a raw block, or a reload refused although the batch's files pass
  // together, means the whole config is what nginx refuses.
  if (written.length > 0 && (written.some((w) => w.change.wholeConfig) || (refusedWhole && together.ok))) {
    const r = await d.checkWhole();
    if (!r.ok) written = await isolate(written, r.output, d, outcome);
  }
  let isolated = false;
  while (written.length > 0) {
    try {
      await d.reload();
      break;
    } catch (e) {
      // A reload refused once the parts and the whole passed `nginx -t` (a file changed meanwhile):
      // isolate once more; nginx kept the config it had, so the files go back for whoever fails.
      if (isBerthError(e) && e.code === 'ROUTER_CONFIG_INVALID' && !isolated) {
        isolated = true;
        const r = await d.checkWhole();
        if (!r.ok) {
          written = await isolate(written, r.output, d, outcome);
          continue;
        }
      }
      // Any other failure leaves the files (nginx's state is unknown; the next change or start()
      // applies what is on disk).
      if (isBerthError(e) && e.code === 'ROUTER_CONFIG_INVALID') undoAll(written);
      for (const w of written) outcome.set(w.change, e);
      written = [];
    }
  }
  for (const c of [...unchanged, ...written.map((w) => w.change)]) c.afterLive?.();
  return outcome;
}

/**
 * The whole config (with `ws` written) is refused although each change passed alone: which
 * changes does nginx refuse in the company of the others? Every change is taken back; when the
 * config without them is refused too (a file outside the batch), all of them fail with that.
 * Otherwise they are put back group by group, halving a group nginx refuses (`nginx -t` of the
 * whole each time): a change refused on its own, on top of those kept, fails with nginx's words;
 * one culprit among n costs about 2·log2(n) checks. Of two changes that clash, the first kept wins.
 */
async function isolate(ws: readonly Written[], output: string, d: Pick<BatchDeps, 'checkWhole'>, outcome: BatchOutcome): Promise<Written[]> {
  undoAll(ws);
  if (ws.length === 1) {
    outcome.set(ws[0].change, refused(ws[0], output));
    return [];
  }
  const base = await d.checkWhole();
  if (!base.ok) {
    for (const w of ws) outcome.set(w.change, refused(w, base.output));
    return [];
  }
  const kept: Written[] = [];
  const half = Math.ceil(ws.length / 2);
  // The whole batch is known to be refused: start with its halves.
  const groups: Written[][] = [ws.slice(0, half), ws.slice(half)];
  while (groups.length > 0) {
    const group = groups.shift()!;
    const redone: Written[] = [];
    for (const w of group) {
      try {
        redone.push(write(w.change, w.files));
      } catch (e) {
        outcome.set(w.change, e);
      }
    }
    if (redone.length === 0) continue;
    const r = await d.checkWhole();
    if (r.ok) {
      kept.push(...redone);
      continue;
    }
    undoAll(redone);
    if (redone.length === 1) outcome.set(redone[0].change, refused(redone[0], r.output));
    else groups.unshift(redone.slice(0, Math.ceil(redone.length / 2)), redone.slice(Math.ceil(redone.length / 2)));
  }
  return kept;
}
