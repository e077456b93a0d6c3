import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import type { KeyCreated, KeyInfo, KeyRevoked } from '@tiendo/shared';
import { Allow, Who } from '../common/access.js';
import { parseId } from '../common/params.js';
import type { Principal } from '../services/auth.service.js';
import { KeysService } from '../services/keys.service.js';

@Controller('api/v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  @Allow('keys')
  list(@Who() who: Principal): Promise<KeyInfo[]> {
    return this.keys.list(who);
  }

  @Post()
  @Allow('keys')
  create(@Who() who: Principal, @Body() body: unknown): Promise<KeyCreated> {
    return this.keys.create(who, body);
  }

  @Delete(':id')
  @Allow('keys')
  revoke(@Who() who: Principal, @Param('id') id: string): Promise<KeyRevoked> {
    return this.keys.revoke(who, parseId('id', id, 'a key'));
  }
}
