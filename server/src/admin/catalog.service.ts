/**
 * The unit catalog: the shipped one (GSO, April 2023) by default, or a file an administrator
 * loads, shown first with its problems, applied once confirmed.
 */
import { randomBytes } from 'node:crypto';
import { ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { CatalogImportPreview, UnitInfo } from '@tiendo/shared';
import { CampaignAdminRepository } from '../repositories/campaign-admin.repository.js';
import { LiveRepository } from '../repositories/live.repository.js';
import { UnitsRepository } from '../repositories/units.repository.js';
import type { Principal } from '../services/auth.service.js';
import { LiveService } from '../services/live.service.js';
import { actorOf } from './actor.js';
import { readCatalogSheet } from './catalog-sheet.js';
import { readSheets, SheetError } from './sheet.js';

type CatalogUnit = UnitInfo & { population: number | null };

@Injectable()
export class CatalogService {
  constructor(
    private readonly units: UnitsRepository,
    private readonly tree: LiveRepository,
    private readonly admin: CampaignAdminRepository,
    private readonly live: LiveService,
  ) {}

  /** The units of a subtree (the principal's own unit by default), parents first. */
  async list(principal: Principal, root: string | undefined): Promise<UnitInfo[]> {
    const code = root?.trim() || principal.scope;
    const within = await this.units.isWithin(code, principal.scope);
    if (within === null) throw new NotFoundException(`root: "${code.slice(0, 64)}" is not a loaded unit`);
    if (!within) throw new ForbiddenException(`root: unit ${code} is outside your unit ${principal.scope}`);
    return this.tree.subtree(code);
  }

  async read(principal: Principal, file: Buffer, name: string): Promise<CatalogImportPreview> {
    let sheets;
    try {
      sheets = await readSheets(file, name);
    } catch (error) {
      if (error instanceof SheetError) throw new UnprocessableEntityException(error.message);
      throw error;
    }
    const loaded = new Map((await this.tree.subtree('VN')).map((u) => [u.code, u]));
    const { units, preview } = readCatalogSheet(sheets[0], (code) => loaded.get(code));
    if (preview.root && units.length) await this.requirePlacement(principal, units, preview.root.code);
    const importId = randomBytes(12).toString('base64url');
    if (preview.ok) await this.units.savePending(importId, 'catalog', null, units, actorOf(principal).name);
    return { importId: preview.ok ? importId : '', ...preview };
  }

  /** Whoever confirms must be allowed to place the catalog too; a refusal leaves the pending catalog for its reader. */
  async confirm(principal: Principal, importId: string): Promise<{ units: number }> {
    let count = 0;
    await this.admin.write(actorOf(principal), async (em) => {
      const units = await this.units.takePending<CatalogUnit[]>(importId, 'catalog', null, em);
      if (!units) throw new NotFoundException(`importId: no pending catalog "${importId}" (confirmed already, or never read)`);
      const codes = new Set(units.map((u) => u.code));
      const top = units.find((u) => u.parent === null || !codes.has(u.parent));
      if (top) await this.requirePlacement(principal, units, top.code);
      await this.units.upsert(units, em);
      count = units.length;
      return [{
        action: 'unit.import', entity: 'unit', entityId: units[0]?.code ?? null, unit: units[0]?.code ?? null,
        after: { units: units.length, levels: [...new Set(units.map((u) => u.level))] },
      }];
    });
    await this.live.reloadEverywhere();
    return { units: count };
  }

  /** A catalog's top unit goes under its parent: that must lie within the administrator's own unit. */
  private async requirePlacement(principal: Principal, units: readonly CatalogUnit[], root: string): Promise<void> {
    const parent = units.find((u) => u.code === root)?.parent;
    if (principal.scope === 'VN' || (await this.units.isWithin(parent ?? root, principal.scope)) === true) return;
    throw new ForbiddenException(`file: unit ${root} would be placed outside your unit ${principal.scope}`);
  }
}
