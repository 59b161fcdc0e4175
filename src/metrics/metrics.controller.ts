import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../common/auth/access-rule.decorator.js';
import { MetricsService } from './metrics.service.js';

/** Public like the health checks: expose it only on the internal network (see docker/). */
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
