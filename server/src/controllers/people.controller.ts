import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import type { PersonCreated, PersonInfo } from '@tiendo/shared';
import { PeopleService } from '../admin/people.service.js';
import { Allow, Who } from '../common/access.js';
import type { Principal } from '../services/auth.service.js';

@Controller('api/v1/people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Get()
  @Allow('people')
  list(@Who() who: Principal): Promise<PersonInfo[]> {
    return this.people.list(who);
  }

  @Post()
  @Allow('people')
  create(@Who() who: Principal, @Body() body: unknown): Promise<PersonCreated> {
    return this.people.create(who, body);
  }

  @Patch(':id')
  @Allow('people')
  update(@Who() who: Principal, @Param('id') id: string, @Body() body: unknown): Promise<PersonCreated> {
    return this.people.update(who, id, body);
  }
}
