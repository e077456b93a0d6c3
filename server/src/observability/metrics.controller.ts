/**
 * GET /metrics for Prometheus. The figures say how busy the campaign is and where it stands
 * (sequence numbers, record counts), so they are not public: with METRICS_TOKEN set a scraper
 * sends it as a bearer token; without it only this machine may read them, and not through a
 * reverse proxy (whose forwarding headers give it away).
 */
import { timingSafeEqual } from 'node:crypto';
import { Controller, ForbiddenException, Get, Inject, Req, Res, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MetricsService } from './metrics.service.js';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './options.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  @Get('metrics')
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    this.authorize(request);
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }

  private authorize(request: Request): void {
    const token = this.options.metricsToken;
    if (token) {
      const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '')?.[1] ?? '';
      if (!sameSecret(given, token)) throw new UnauthorizedException('Authorization: expected "Bearer <METRICS_TOKEN>"');
      return;
    }
    const proxied = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
    if (proxied || !LOOPBACK.test(request.socket.remoteAddress ?? '')) {
      throw new ForbiddenException('metrics: readable from this machine only; set METRICS_TOKEN to scrape from elsewhere');
    }
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
