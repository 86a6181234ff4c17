import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DATABASE, DB, type Database } from './client.js';

/** Provides the opened database (opened before Nest boots, so migrations run first). */
@Global()
@Module({})
export class DbModule {
  static forRoot(database: Database): DynamicModule {
    return {
      module: DbModule,
      providers: [
        { provide: DATABASE, useValue: database },
        { provide: DB, useValue: database.db },
      ],
      exports: [DATABASE, DB],
    };
  }
}
