import { Body, Controller, ForbiddenException, Headers, Post, UnprocessableEntityException } from '@nestjs/common';
import type { KeyCreated } from '@tiendo/shared';
import { keyRequestSchema } from '@tiendo/shared/schemas';
import { KeyRepository } from '../repositories/key.repository.js';
import { AuthService } from '../services/auth.service.js';
import { parseBody } from '../services/ingest.service.js';
import { Database } from '../database/database.js';

@Controller('api/v1/keys')
export class KeysController {
  constructor(
    private readonly auth: AuthService,
    private readonly keys: KeyRepository,
    private readonly db: Database,
  ) {}

  /** An admin creates keys for units within its own scope. */
  @Post()
  async create(@Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<KeyCreated> {
    const principal = await this.auth.authenticate(authorization);
    this.auth.requireRole(principal, 'admin');
    const request = parseBody(keyRequestSchema, body);
    const [unit] = await this.db.em().execute<{ within: boolean }[]>(
      `with recursive up as (select code, parent_code from unit where code = ?
         union all select u.code, u.parent_code from unit u join up on u.code = up.parent_code)
       select bool_or(code = ?) as within from up having count(*) > 0`,
      [request.scope, principal.scope],
    );
    if (!unit) throw new UnprocessableEntityException(`scope: "${request.scope}" is not a known unit`);
    if (!unit.within) throw new ForbiddenException(`scope: this key may only create keys for unit ${principal.scope} and below`);
    const { key, token } = await this.keys.create(request.name, request.role, request.scope);
    return { id: key.id, name: key.name, role: key.role, scope: key.scopeCode, key: token };
  }
}
