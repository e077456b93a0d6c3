/**
 * The queue of one person's records on this phone. A record is saved before anything is sent,
 * then sent in the order it was made, one at a time, whenever a connection may be there: at
 * once, when the browser says it is back online, and again and again while any wait: five
 * seconds after a failed attempt, then twice as long each time, at most a minute apart.
 * Whatever happens to an answer, the record's id makes the next attempt safe.
 */
import type { HeldRecord } from '@tiendo/shared';
import { decided, outcomeOf, requestOf, type FieldRecord } from './entry';
import { send } from './api';
import { deleteRecords, recordsOf, saveRecord } from './store';

const CHECK_MS = 2_000;
const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 60_000;
/** Counted records are shown for a week, then forgotten by the phone (the server has them). */
const KEEP_RECORDED_MS = 7 * 86_400_000;

export class FieldQueue {
  records = $state.raw<FieldRecord[]>([]);
  /** The browser has a network, and the last attempt reached the server. */
  online = $state(true);
  /** The server answered 401: the session ended; records wait for the next sign-in. */
  signedOut = $state(false);
  /** Ids being sent right now. */
  sending = $state<string[]>([]);
  #busy = false;
  #retryMs = FIRST_RETRY_MS;
  #nextTry = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #onRecorded: () => void;

  constructor(
    readonly owner: number,
    /** A record was counted or held: the commune's standing has news. */
    onRecorded: () => void,
  ) {
    this.#onRecorded = onRecorded;
  }

  /** Loads the kept records and starts sending; returns the function that stops it. */
  async start(): Promise<() => void> {
    this.online = navigator.onLine;
    const kept = await recordsOf(this.owner);
    const old = kept.filter((r) => r.state === 'recorded' && r.createdAt < Date.now() - KEEP_RECORDED_MS);
    if (old.length) await deleteRecords(old.map((r) => r.id));
    this.records = kept.filter((r) => !old.includes(r)).sort((a, b) => b.createdAt - a.createdAt);
    const online = () => {
      this.online = true;
      this.#nextTry = 0;
      void this.flush();
    };
    const offline = () => (this.online = false);
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    this.#timer = setInterval(() => {
      if (Date.now() >= this.#nextTry && this.records.some((r) => r.state === 'waiting')) void this.flush();
    }, CHECK_MS);
    void this.flush();
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      if (this.#timer) clearInterval(this.#timer);
    };
  }

  /** Keeps a new record on the phone, then tries to send it: the form is free again once it is kept, whatever the connection. */
  async add(record: FieldRecord): Promise<void> {
    await saveRecord(record);
    this.records = [record, ...this.records];
    this.#retryMs = FIRST_RETRY_MS;
    void this.flush();
  }

  /** The officer checked an amount held as implausible: send it again, confirmed, under the same id. */
  async confirm(id: string): Promise<void> {
    await this.#update(id, { confirmed: true, state: 'waiting', message: undefined });
    await this.flush();
  }

  /** A chief decided records held here: counted, or rejected with the reason (from the commune's standing). */
  async settle(held: readonly HeldRecord[]): Promise<void> {
    for (const h of held) {
      const change = decided(h);
      if (change && this.records.some((r) => r.id === h.recordId && r.state === 'held')) await this.#update(h.recordId, change);
    }
  }

  /** Sends every waiting record, oldest first, until one cannot be sent. */
  async flush(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (;;) {
        const next = this.records.filter((r) => r.state === 'waiting').sort((a, b) => a.createdAt - b.createdAt)[0];
        if (!next) return;
        const request = requestOf(next);
        this.sending = [next.id];
        const answer = await send(request.path, request.body);
        this.sending = [];
        const outcome = answer ? outcomeOf(answer.status, answer.body) : null;
        this.online = answer !== null;
        if (!outcome || outcome.state === 'waiting') {
          this.signedOut = outcome?.signedOut ?? false;
          this.#nextTry = Date.now() + this.#retryMs;
          this.#retryMs = Math.min(LAST_RETRY_MS, this.#retryMs * 2);
          await this.#update(next.id, { attempts: next.attempts + 1 });
          return;
        }
        this.#retryMs = FIRST_RETRY_MS;
        this.signedOut = false;
        await this.#update(next.id, outcome.state === 'recorded'
          ? { state: 'recorded', duplicate: outcome.duplicate, message: undefined, attempts: next.attempts + 1 }
          : { state: outcome.state, message: outcome.message, attempts: next.attempts + 1 });
        if (outcome.state === 'recorded' || outcome.state === 'held') this.#onRecorded();
      }
    } finally {
      this.sending = [];
      this.#busy = false;
    }
  }

  async #update(id: string, change: Partial<FieldRecord>): Promise<void> {
    const current = this.records.find((r) => r.id === id);
    if (!current) return;
    const updated: FieldRecord = { ...current, ...change };
    await saveRecord(updated);
    this.records = this.records.map((r) => (r.id === id ? updated : r));
  }
}
