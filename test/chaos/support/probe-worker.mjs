// A built worker (`dist/worker.factory.js`, as `npm run worker` runs it) with one probe subscriber: each event
// of topic `chaos.probe` is written to chaos_effects in the subscriber's transaction (the row that marks it
// handled commits with it), slowly enough that a kill lands in the middle of a batch. No unique key on
// chaos_effects: a duplicate delivery would show as a second row.
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { configFromProcess } from '../../../dist/config/index.js';
import { OutboxService } from '../../../dist/kernel/events/index.js';
import { createWorker } from '../../../dist/worker.factory.js';

class ChaosProbe {
  constructor(outbox) {
    this.outbox = outbox;
  }

  onModuleInit() {
    this.outbox.subscribe(
      'chaos.probe',
      async (_payload, event, tx) => {
        await new Promise((r) => setTimeout(r, 15));
        await tx.execute(sql`insert into chaos_effects (event_id, pid) values (${event.id}, ${process.pid})`);
      },
      'chaos.probe',
    );
  }
}
Injectable()(ChaosProbe);
Reflect.defineMetadata('design:paramtypes', [OutboxService], ChaosProbe);

class ChaosProbeModule {}
Module({ providers: [ChaosProbe] })(ChaosProbeModule);

const worker = await createWorker(configFromProcess(), { imports: [ChaosProbeModule] });
process.stdout.write('PROBE_READY\n');
process.once('SIGTERM', () => {
  worker.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
