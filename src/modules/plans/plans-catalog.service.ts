import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import type { CreatePlanBody, PlanView, UpdatePlanBody } from './plans.dto.js';
import { PlanErrors } from './plans.errors.js';
import { PlansRepository, type NewPlan } from './plans.repository.js';
import { planView } from './plans.view.js';

/** Admin writes of plans and the public list. */
@Injectable()
export class PlansCatalogService {
  constructor(
    private readonly repo: PlansRepository,
    private readonly audit: AuditService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(actor: UserActor, body: CreatePlanBody, meta?: RequestMeta, tx?: DbOrTx): Promise<PlanView> {
    const row = await this.repo.transaction(async (t) => {
      const created = await this.repo.insertPlan(
        {
          nameEn: body.nameEn,
          nameAr: body.nameAr,
          interval: body.interval,
          priceMinor: body.priceMinor,
          currency: this.config.payments.currency,
          active: body.active,
          freeVideoConsultations: body.freeVideoConsultationsPerPeriod,
          freeDelivery: body.freeDelivery,
          otcPercentOff: body.otcPercentOff,
        },
        t,
      );
      await this.audit.record(
        { actor, action: 'plans.created', subjectType: 'plan', subjectId: created.id, meta, details: {} },
        t,
      );
      return created;
    }, tx);
    return planView(row);
  }

  /** A price change applies to new subscribers; current ones keep the price they agreed to. */
  async update(actor: UserActor, id: string, body: UpdatePlanBody, meta?: RequestMeta, tx?: DbOrTx): Promise<PlanView> {
    const row = await this.repo.transaction(async (t) => {
      const patch: Partial<NewPlan> = {};
      if (body.nameEn !== undefined) patch.nameEn = body.nameEn;
      if (body.nameAr !== undefined) patch.nameAr = body.nameAr;
      if (body.priceMinor !== undefined) patch.priceMinor = body.priceMinor;
      if (body.active !== undefined) patch.active = body.active;
      if (body.freeVideoConsultationsPerPeriod !== undefined)
        patch.freeVideoConsultations = body.freeVideoConsultationsPerPeriod;
      if (body.freeDelivery !== undefined) patch.freeDelivery = body.freeDelivery;
      if (body.otcPercentOff !== undefined) patch.otcPercentOff = body.otcPercentOff;
      const updated = await this.repo.updatePlan(id, patch, t);
      if (!updated) throw PlanErrors.planNotFound();
      await this.audit.record(
        {
          actor,
          action: 'plans.updated',
          subjectType: 'plan',
          subjectId: id,
          meta,
          details: { fields: Object.keys(body) },
        },
        t,
      );
      return updated;
    }, tx);
    return planView(row);
  }

  async listActive(): Promise<{ items: PlanView[] }> {
    return { items: (await this.repo.activePlans()).map(planView) };
  }
}
