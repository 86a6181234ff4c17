import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { StandardSchemaSerializerInterceptor, StandardSchemaValidationPipe } from '@nestjs/common';
import { CONFIG, type Config } from './config/index.js';
import type { Database } from './db/client.js';
import { DbModule } from './db/db.module.js';
import { AuthGuard } from './kernel/auth/index.js';
import { ProblemFilter, validationExceptionFactory } from './kernel/errors/index.js';
import { IdempotencyInterceptor, RateLimitGuard } from './kernel/http/index.js';
import { KernelModule } from './kernel/kernel.module.js';
import { AuditModule } from './modules/audit/index.js';
import { FilesModule } from './modules/files/index.js';
import { HealthModule } from './modules/health/index.js';
import { IdentityModule } from './modules/identity/index.js';

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
        HealthModule,
        ...extra,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        {
          provide: APP_PIPE,
          useValue: new StandardSchemaValidationPipe({ transform: true, exceptionFactory: validationExceptionFactory }),
        },
        // Order matters: who you are first, then how often you may ask.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_INTERCEPTOR, useClass: StandardSchemaSerializerInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
