import { Body, Controller, Delete, Headers, Param, Post } from '@nestjs/common';
import type { KeyCreated, KeyRevoked } from '@tiendo/shared';
import { AuthService } from '../services/auth.service.js';
import { KeysService } from '../services/keys.service.js';

@Controller('api/v1/keys')
export class KeysController {
  constructor(
    private readonly auth: AuthService,
    private readonly keys: KeysService,
  ) {}

  @Post()
  async create(@Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<KeyCreated> {
    return this.keys.create(await this.auth.authenticate(authorization), body);
  }

  @Delete(':id')
  async revoke(@Headers('authorization') authorization: string | undefined, @Param('id') id: string): Promise<KeyRevoked> {
    return this.keys.revoke(await this.auth.authenticate(authorization), id);
  }
}
