import type { Response } from 'express';

/**
 * A text/plain answer of lines: all of them at once, or with `follow` each as it comes until
 * `stream` resolves (its result, if any, is the last line). The client going away aborts it.
 */
export async function textAnswer(res: Response, o: {
  follow: boolean;
  whole(): Promise<readonly string[]> | readonly string[];
  stream(write: (line: string) => void, signal: AbortSignal): Promise<string | void>;
}): Promise<void> {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  if (!o.follow) {
    res.end((await o.whole()).map((l) => `${l}\n`).join(''));
    return;
  }
  // nginx in front (an own address): pass lines on as they come.
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  const stop = new AbortController();
  res.on('close', () => stop.abort());
  const last = await o.stream((line) => res.write(`${line}\n`), stop.signal);
  res.end(last ? `${last}\n` : undefined);
}
