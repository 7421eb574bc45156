import type { Request, Response } from 'express';

/** A server-sent-events response: JSON data per event, a comment heartbeat, an abort signal on disconnect. */
export function openSse(req: Request, res: Response): { send(event: string, data: unknown): void; signal: AbortSignal; end(): void } {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  const stop = new AbortController();
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  const close = () => { clearInterval(heartbeat); stop.abort(); };
  req.on('close', close);
  res.on('close', close);
  return {
    send(event, data) {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    signal: stop.signal,
    end() {
      close();
      if (!res.writableEnded) res.end();
    },
  };
}
