import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ErrorsFilter } from './common/errors.filter.js';
import { AuditService } from './admin/audit.service.js';
import { CampaignsAdminService } from './admin/campaigns.service.js';
import { CatalogService } from './admin/catalog.service.js';
import { PeopleService } from './admin/people.service.js';
import { SessionsService } from './admin/sessions.service.js';
import { AccessGuard } from './common/access.js';
import { AuditController } from './controllers/audit.controller.js';
import { FieldController } from './controllers/field.controller.js';
import { HeldController } from './controllers/held.controller.js';
import { CampaignsAdminController } from './controllers/campaigns-admin.controller.js';
import { CampaignsController } from './controllers/campaigns.controller.js';
import { PeopleController } from './controllers/people.controller.js';
import { SessionController } from './controllers/session.controller.js';
import { UnitsController } from './controllers/units.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { IngestController } from './controllers/ingest.controller.js';
import { KeysController } from './controllers/keys.controller.js';
import { MapsController } from './controllers/maps.controller.js';
import { NotesController } from './controllers/notes.controller.js';
import { OfficeController } from './controllers/office.controller.js';
import { Database } from './database/database.js';
import { LiveGateway } from './gateways/live.gateway.js';
import { observability } from './observability/observability.js';
import type { ObservabilityOptions } from './observability/options.js';
import { CountImportService } from './office/count-import.service.js';
import { NotesService } from './office/notes.service.js';
import { OfficeRepository } from './office/office.repository.js';
import { ReportService } from './office/report.service.js';
import { AuditRepository } from './repositories/audit.repository.js';
import { FieldRepository } from './repositories/field.repository.js';
import { HeldRepository } from './repositories/held.repository.js';
import { CampaignAdminRepository } from './repositories/campaign-admin.repository.js';
import { HistoryRepository } from './repositories/history.repository.js';
import { PeopleRepository } from './repositories/people.repository.js';
import { UnitsRepository } from './repositories/units.repository.js';
import { IngestRepository } from './repositories/ingest.repository.js';
import { KeyRepository } from './repositories/key.repository.js';
import { LiveRepository } from './repositories/live.repository.js';
import { MapsRepository } from './repositories/maps.repository.js';
import { ACCESS_OPTIONS, AuthService, type AccessOptions } from './services/auth.service.js';
import { FieldService } from './services/field.service.js';
import { HeldService } from './services/held.service.js';
import { Clock } from './services/clock.js';
import { HistoryService } from './services/history.service.js';
import { IngestService } from './services/ingest.service.js';
import { KeysService } from './services/keys.service.js';
import { LiveService } from './services/live.service.js';
import { MapsService } from './services/maps.service.js';
import { SeedService } from './services/seed.service.js';

export interface AppDependencies {
  db: Database;
  clock: Clock;
  access: AccessOptions;
  observability: ObservabilityOptions;
}

@Module({})
export class AppModule {
  static forRoot(deps: AppDependencies): DynamicModule {
    const ops = observability(deps.observability);
    return {
      module: AppModule,
      imports: ops.imports,
      controllers: [
        HealthController, IngestController, CampaignsController, CampaignsAdminController, KeysController, MapsController,
        UnitsController, PeopleController, SessionController, AuditController, OfficeController, NotesController, FieldController, HeldController, ...ops.controllers,
      ],
      providers: [
        { provide: Database, useValue: deps.db },
        { provide: Clock, useValue: deps.clock },
        { provide: ACCESS_OPTIONS, useValue: deps.access },
        { provide: APP_FILTER, useClass: ErrorsFilter },
        IngestRepository, LiveRepository, KeyRepository, HistoryRepository, MapsRepository,
        UnitsRepository, AuditRepository, CampaignAdminRepository, PeopleRepository, FieldRepository, HeldRepository,
        AuthService, IngestService, KeysService, LiveService, HistoryService, SeedService, MapsService,
        SessionsService, PeopleService, CampaignsAdminService, CatalogService, AuditService, AccessGuard, FieldService, HeldService,
        OfficeRepository, CountImportService, ReportService, NotesService,
        LiveGateway,
        ...ops.providers,
      ],
    };
  }
}
