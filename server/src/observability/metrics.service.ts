/**
 * What this instance counts, in Prometheus' text format at /metrics. Counters are bumped where
 * things happen (one call per site); gauges that mirror state (sockets, the change log, the
 * pool) are read when scraped, so nothing is computed between scrapes.
 *
 * Labels take only bounded values (route templates, status codes, schema field paths with
 * indices folded), never unit codes, keys or ids: a scrape can be shown to anyone who may read
 * it without leaking the campaign's data, and the series count stays fixed.
 */
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Database } from '../database/database.js';
import { IngestRepository } from '../repositories/ingest.repository.js';
import { LiveRepository } from '../repositories/live.repository.js';
import { LiveService } from '../services/live.service.js';
import { DatabaseOutage } from './database-outage.js';
import { Lifecycle } from './lifecycle.js';

export type IngestKind = 'events' | 'reports';

/** Scrapes must answer even while the database does not. */
const HEAD_QUERY_TIMEOUT_MS = 1000;

interface SocketCounts {
  sockets: number;
  rooms: number;
}

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private socketCounts: () => SocketCounts = () => ({ sockets: 0, rooms: 0 });
  private lastHead: number | null = null;

  private readonly ingestDuration = new Histogram({
    name: 'tiendo_ingest_duration_seconds',
    help: 'Time to answer an ingest request (authentication, checks and the transaction), by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly batchSize = new Histogram({
    name: 'tiendo_ingest_batch_size',
    help: 'Records per accepted ingest request',
    labelNames: ['kind'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [this.registry],
  });

  private readonly records = new Counter({
    name: 'tiendo_ingest_records_total',
    help: 'Records of accepted ingest requests: accepted (counted), duplicate (sent before), unchanged (a total equal to the value), held (for a chief to decide)',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });

  private readonly refusedBatches = new Counter({
    name: 'tiendo_ingest_refused_batches_total',
    help: 'Ingest requests refused, by status and the field the refusal names (indices folded: events[].delta)',
    labelNames: ['kind', 'status', 'field'] as const,
    registers: [this.registry],
  });

  private readonly refusedRecords = new Counter({
    name: 'tiendo_ingest_refused_records_total',
    help: 'Records in refused ingest requests (none of them applied), by status and field',
    labelNames: ['kind', 'status', 'field'] as const,
    registers: [this.registry],
  });

  private readonly httpRequests = new Counter({
    name: 'tiendo_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  /**
   * Messages sent since the last scrape, by event. This runs for every socket of every
   * broadcast: a plain count here, handed to the counter when it is read.
   */
  private readonly sent = new Map<string, number>();

  private readonly messagesSent = new Counter({
    name: 'tiendo_socket_messages_sent_total',
    help: 'Socket.IO messages written to clients, by event (a room message counts once per socket)',
    labelNames: ['event'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [event, count] of this.sent) this.messagesSent.inc({ event }, count);
      this.sent.clear();
    },
  });

  private readonly connections = new Counter({
    name: 'tiendo_socket_connections_total',
    help: 'Socket.IO connections opened',
    registers: [this.registry],
  });

  constructor(db: Database, live: LiveService, repository: LiveRepository, lifecycle: Lifecycle, outage: DatabaseOutage, ingest: IngestRepository) {
    collectDefaultMetrics({ register: this.registry });
    // The sequence lock orders every write of every instance: its cost is the ceiling of ingest.
    new Counter({
      name: 'tiendo_ingest_seq_lock_seconds_total', help: 'Time ingest transactions spent waiting for the sequence lock, and holding it up to the commit (whose flush comes on top)',
      labelNames: ['phase'] as const, registers: [this.registry],
      collect() {
        this.reset();
        this.inc({ phase: 'wait' }, ingest.seqLock.waitSeconds);
        this.inc({ phase: 'held' }, ingest.seqLock.heldSeconds);
      },
    });
    new Counter({
      name: 'tiendo_ingest_seq_lock_transactions_total', help: 'Ingest transactions that took the sequence lock', registers: [this.registry],
      collect() {
        this.reset();
        this.inc(ingest.seqLock.transactions);
      },
    });
    let outagesSeen = 0;
    new Counter({
      name: 'tiendo_database_outages_total', help: 'Times the database became unreachable', registers: [this.registry],
      collect() {
        this.inc(outage.count - outagesSeen);
        outagesSeen = outage.count;
      },
    });
    new Gauge({
      name: 'tiendo_database_up', help: '1 while the database answers, 0 during an outage', registers: [this.registry],
      collect() { this.set(outage.ongoing ? 0 : 1); },
    });
    const counts = () => this.socketCounts();

    new Gauge({
      name: 'tiendo_sockets', help: 'Socket.IO clients connected to this instance', registers: [this.registry],
      collect() { this.set(counts().sockets); },
    });
    new Gauge({
      name: 'tiendo_socket_rooms', help: 'Socket.IO rooms on this instance (scopes followed, and the like), not counting each socket\'s own', registers: [this.registry],
      collect() { this.set(counts().rooms); },
    });
    new Gauge({
      name: 'tiendo_ready', help: '1 while this instance takes traffic, 0 once it drains for shutdown', registers: [this.registry],
      collect() { this.set(lifecycle.draining ? 0 : 1); },
    });

    // Scraped metrics are collected concurrently: the head and the lag share one query.
    let reading: Promise<number | null> | null = null;
    const head = () => (reading ??= this.readHead(repository).finally(() => (reading = null)));
    new Gauge({
      name: 'tiendo_changelog_head_seq', help: 'Sequence number of the last change committed to the database, by any instance',
      registers: [this.registry],
      async collect() {
        const seq = await head();
        if (seq !== null) this.set(seq);
      },
    });
    new Gauge({
      name: 'tiendo_changelog_applied_seq', help: 'Sequence number of the last change this instance applied to its live state',
      registers: [this.registry],
      collect() { this.set(live.seq); },
    });
    new Gauge({
      name: 'tiendo_changelog_lag', help: 'Changes committed but not yet applied here (head seq - applied seq)',
      registers: [this.registry],
      async collect() {
        const seq = await head();
        if (seq !== null) this.set(Math.max(0, seq - live.seq));
      },
    });
    new Gauge({
      name: 'tiendo_changelog_read_age_seconds', help: 'Seconds since this instance last read the change log (it polls every 2 s)',
      registers: [this.registry],
      collect() { this.set((Date.now() - live.lastReadAt) / 1000); },
    });
    new Gauge({
      name: 'tiendo_changelog_applied_age_seconds', help: 'Seconds since this instance last applied a change (grows while nothing is reported)',
      registers: [this.registry],
      collect() { this.set((Date.now() - live.lastAppliedAt) / 1000); },
    });

    const pool = () => db.pool();
    new Gauge({
      name: 'tiendo_db_pool_connections', help: 'Database pool connections: used, free, and requests waiting for one',
      labelNames: ['state'] as const, registers: [this.registry],
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'used' }, p.numUsed());
        this.set({ state: 'free' }, p.numFree());
        this.set({ state: 'pending' }, p.numPendingAcquires());
      },
    });
    new Gauge({
      name: 'tiendo_db_pool_max', help: 'Largest number of connections the pool opens', registers: [this.registry],
      collect() {
        const p = pool();
        if (p) this.set(p.max);
      },
    });
  }

  /** The head of the change log, or the last one read when the database does not answer in time. */
  private async readHead(repository: LiveRepository): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((done) => (timer = setTimeout(() => done(null), HEAD_QUERY_TIMEOUT_MS)));
    try {
      const seq = await Promise.race([repository.head().then((h) => h.seq), timeout]);
      if (seq !== null) this.lastHead = seq;
    } catch {
      // An outage is logged and counted where requests meet it; a scrape keeps the last head.
    } finally {
      clearTimeout(timer);
    }
    return this.lastHead;
  }

  /** Where socket counts come from (the Socket.IO server, once it exists). */
  countSocketsWith(read: () => SocketCounts): void {
    this.socketCounts = read;
  }

  ingestAccepted(kind: IngestKind, seconds: number, result: { accepted: number; duplicates: number; unchanged?: number; held?: unknown[] }): void {
    const size = result.accepted + result.duplicates + (result.unchanged ?? 0) + (result.held?.length ?? 0);
    this.ingestDuration.observe({ kind, outcome: 'accepted' }, seconds);
    this.batchSize.observe({ kind }, size);
    this.records.inc({ kind, result: 'accepted' }, result.accepted);
    this.records.inc({ kind, result: 'duplicate' }, result.duplicates);
    if (result.unchanged !== undefined) this.records.inc({ kind, result: 'unchanged' }, result.unchanged);
    if (result.held) this.records.inc({ kind, result: 'held' }, result.held.length);
  }

  ingestRefused(kind: IngestKind, seconds: number, status: number, message: string, records: number): void {
    const labels = { kind, status: String(status), field: refusedField(message) };
    this.ingestDuration.observe({ kind, outcome: status >= 500 ? 'failed' : 'refused' }, seconds);
    this.refusedBatches.inc(labels);
    this.refusedRecords.inc(labels, records);
  }

  httpAnswered(method: string, route: string, status: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
  }

  socketConnected(): void {
    this.connections.inc();
  }

  socketMessageSent(event: string): void {
    this.sent.set(event, (this.sent.get(event) ?? 0) + 1);
  }
}

/**
 * The field a refusal names: "events[3].delta: must not be 0" → "events[].delta". Messages
 * that name no field (a counter that would go below zero) count as "none".
 */
export function refusedField(message: string): string {
  const match = /^([A-Za-z][\w-]*(?:\[\d*\]|\.[A-Za-z]\w*)*):/.exec(message);
  return match ? match[1].replace(/\[\d+\]/g, '[]') : 'none';
}
