import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CONFIG, type Config } from './config/index.js';
import type { Database } from './db/client.js';
import { DbModule } from './db/db.module.js';
import { AuthGuard } from './kernel/auth/index.js';
import { ProblemFilter, validationExceptionFactory } from './kernel/errors/index.js';
import { InputPipe, RateLimitGuard } from './kernel/http/index.js';
import { KernelModule } from './kernel/kernel.module.js';
import { AuditModule } from './modules/audit/index.js';
import { BranchesModule } from './modules/branches/index.js';
import { CartModule } from './modules/cart/index.js';
import { OrdersModule } from './modules/orders/index.js';
import { PrescriptionsModule } from './modules/prescriptions/index.js';
import { CatalogModule } from './modules/catalog/index.js';
import { InventoryModule } from './modules/inventory/index.js';
import { OffersModule } from './modules/offers/index.js';
import { LoyaltyModule } from './modules/loyalty/index.js';
import { PaymentsModule } from './modules/payments/index.js';
import { SearchModule } from './modules/search/index.js';
import { FilesModule } from './modules/files/index.js';
import { HealthModule } from './modules/health/index.js';
import { IdentityModule } from './modules/identity/index.js';
import { AvailabilityModule } from './modules/availability/index.js';
import { AppointmentsModule } from './modules/appointments/index.js';
import { ConsultationsModule } from './modules/consultations/index.js';
import { ProvidersModule } from './modules/providers/index.js';
import { NotificationsModule } from './modules/notifications/index.js';
import { SupportModule } from './modules/support/index.js';
import { PlansModule } from './modules/plans/index.js';

@Module({})
export class ConfigModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: CONFIG, useValue: config }],
      exports: [CONFIG],
    };
  }
}

@Module({})
export class AppModule {
  /** `extra`: additional modules (test fixtures exercising kernel pieces through real routes). */
  static forRoot(config: Config, database: Database, extra: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule.forRoot(database),
        KernelModule,
        AuditModule,
        IdentityModule,
        FilesModule,
        CatalogModule,
        BranchesModule,
        InventoryModule,
        OffersModule,
        PaymentsModule,
        LoyaltyModule,
        CartModule,
        PrescriptionsModule,
        OrdersModule,
        AvailabilityModule,
        ProvidersModule,
        AppointmentsModule,
        ConsultationsModule,
        PlansModule,
        SupportModule,
        NotificationsModule,
        SearchModule,
        HealthModule,
        ...extra,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        {
          provide: APP_PIPE,
          // Nest's Standard Schema pipe, refusing text PostgreSQL cannot store (NUL, unpaired surrogates) first.
          useValue: new InputPipe({ transform: true, exceptionFactory: validationExceptionFactory }),
        },
        // Order matters: who you are first, then how often you may ask.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        // No global interceptor: answers are cut to their @Route schema by a Fastify hook (response-serializer.ts)
        // and @Idempotent() brings its interceptor to the routes that take a key, so a read runs none.
      ],
    };
  }
}
