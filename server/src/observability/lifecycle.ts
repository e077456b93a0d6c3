/**
 * Whether this instance takes traffic, and the requests it has in flight. A shutdown first
 * drains: readiness answers 503 at once, responses ask clients to close their connection, and
 * the process waits for the requests in flight (batches being committed) to be answered.
 */
import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

@Injectable()
export class Lifecycle {
  private drainingSince: number | null = null;
  private readonly open = new Set<Response>();
  private idleWaiters: (() => void)[] = [];

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  get inFlight(): number {
    return this.open.size;
  }

  /** Readiness fails from now on; answers not yet begun close their connection after them. */
  startDraining(): void {
    if (this.draining) return;
    this.drainingSince = Date.now();
    for (const response of this.open) if (!response.headersSent) response.setHeader('Connection', 'close');
  }

  /** Express middleware, mounted first: counts every request until its answer is sent or abandoned. */
  readonly track = (_request: Request, response: Response, next: NextFunction): void => {
    this.open.add(response);
    if (this.draining) response.setHeader('Connection', 'close');
    const done = () => {
      if (!this.open.delete(response) || this.open.size) return;
      for (const wake of this.idleWaiters.splice(0)) wake();
    };
    response.once('finish', done);
    response.once('close', done);
    next();
  };

  /** Resolves true once no request is in flight, or false when `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (!this.open.size) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(wake);
    });
  }
}
