import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import type { KeyCreated, KeyInfo, KeyRevoked } from '@tiendo/shared';
import { Caller } from '../common/credentials.js';
import { parseId } from '../common/params.js';
import { AuthService, type Credentials } from '../services/auth.service.js';
import { KeysService } from '../services/keys.service.js';

@Controller('api/v1/keys')
export class KeysController {
  constructor(
    private readonly auth: AuthService,
    private readonly keys: KeysService,
  ) {}

  @Get()
  async list(@Caller() caller: Credentials): Promise<KeyInfo[]> {
    return this.keys.list(await this.auth.authenticate(caller));
  }

  @Post()
  async create(@Caller() caller: Credentials, @Body() body: unknown): Promise<KeyCreated> {
    return this.keys.create(await this.auth.authenticate(caller), body);
  }

  @Delete(':id')
  async revoke(@Caller() caller: Credentials, @Param('id') id: string): Promise<KeyRevoked> {
    return this.keys.revoke(await this.auth.authenticate(caller), parseId('id', id, 'a key'));
  }
}
