/**
 * People: administrators create them within their own unit, chiefs create officers of their
 * subtree. A password an administrator sets (or a one-time one made here) must be changed at
 * the first sign-in. Disabling an account, resetting its password or changing its role ends
 * every session it has at once.
 */
import { randomBytes } from 'node:crypto';
import { ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { hash } from '@node-rs/argon2';
import type { PersonCreated, PersonInfo, PersonRole } from '@tiendo/shared';
import { personCreateSchema, personPatchSchema } from '@tiendo/shared/admin-schemas';
import { Database } from '../database/database.js';
import { Person } from '../entities/index.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { PeopleRepository, toPersonInfo } from '../repositories/people.repository.js';
import { UnitsRepository } from '../repositories/units.repository.js';
import type { Principal } from '../services/auth.service.js';
import { parseBody } from '../services/ingest.service.js';
import { actorOf } from './actor.js';

/** A one-time password of 96 random bits, in groups of four to read out over a phone. */
export function oneTimePassword(): string {
  return randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').replace(/(.{4})(?!$)/g, '$1-');
}

@Injectable()
export class PeopleService {
  constructor(
    private readonly db: Database,
    private readonly people: PeopleRepository,
    private readonly units: UnitsRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** Administrators see the people of their unit; chiefs, the officers of their subtree. */
  async list(principal: Principal): Promise<PersonInfo[]> {
    const visible: PersonInfo[] = [];
    for (const p of await this.people.all()) {
      if (await this.manages(principal, p.role, p.scopeCode)) visible.push(toPersonInfo(p));
    }
    return visible;
  }

  async create(principal: Principal, body: unknown): Promise<PersonCreated> {
    const request = parseBody(personCreateSchema, body);
    await this.requireManages(principal, request.role, request.scope, 'scope');
    await this.requireScopeFits(request.role, request.scope);
    if (await this.people.byLogin(request.login)) throw new ConflictException(`login: "${request.login}" is taken`);
    const password = request.password ?? oneTimePassword();
    const person = new Person(request.login, request.name, request.role, request.scope, await hash(password));
    await this.db.em().transactional(async (em) => {
      await em.persistAndFlush(person);
      await this.audit.record(em, actorOf(principal), [{
        action: 'person.create', entity: 'person', entityId: String(person.id), unit: person.scopeCode, after: toPersonInfo(person),
      }]);
    });
    return { ...toPersonInfo(person), oneTimePassword: request.password ? null : password };
  }

  async update(principal: Principal, id: string, body: unknown): Promise<PersonCreated> {
    const patch = parseBody(personPatchSchema, body);
    if (!/^[1-9]\d{0,9}$/.test(id)) throw new UnprocessableEntityException(`id: "${id.slice(0, 20)}" is not a person's id`);
    const found = await this.people.find(Number(id));
    if (!found) throw new NotFoundException(`id: no person ${id}`);
    await this.requireManages(principal, found.role, found.scopeCode, 'id');
    if (principal.personId === found.id && (patch.disabled || patch.role || patch.scope)) {
      throw new ForbiddenException('id: you cannot disable yourself or change your own role or unit; ask another administrator');
    }
    const role = patch.role ?? found.role;
    const scope = patch.scope ?? found.scopeCode;
    if (patch.role || patch.scope) {
      await this.requireManages(principal, role, scope, patch.scope ? 'scope' : 'role');
      await this.requireScopeFits(role, scope);
    }
    const oneTime = patch.resetPassword ? oneTimePassword() : null;
    const passwordHash = oneTime ? await hash(oneTime) : null;
    let after: PersonInfo | null = null;
    await this.db.em().transactional(async (em) => {
      const person = (await this.people.find(found.id, em))!;
      const before = toPersonInfo(person);
      let endSessions = role !== person.role || scope !== person.scopeCode;
      Object.assign(person, { role, scopeCode: scope, name: patch.name ?? person.name });
      if (patch.disabled !== undefined && patch.disabled !== (person.disabledAt !== null)) {
        person.disabledAt = patch.disabled ? new Date() : null;
        endSessions = true;
      }
      if (passwordHash) {
        Object.assign(person, { passwordHash, passwordTemporary: true });
        endSessions = true;
      }
      if (endSessions) person.sessionVersion++;
      await em.flush();
      after = toPersonInfo(person);
      const action = oneTime ? 'person.reset-password' : patch.disabled === true ? 'person.disable' : patch.disabled === false ? 'person.enable' : 'person.update';
      await this.audit.record(em, actorOf(principal), [{ action, entity: 'person', entityId: String(person.id), unit: person.scopeCode, before, after }]);
    });
    return { ...after!, oneTimePassword: oneTime };
  }

  /** Whether the principal may manage a person of this role and unit. */
  private async manages(principal: Principal, role: PersonRole, scope: string): Promise<boolean> {
    const admin = principal.role === 'admin';
    const chief = principal.role === 'chief' && role === 'officer';
    if (!admin && !chief) return false;
    return (await this.units.isWithin(scope, principal.scope)) === true;
  }

  private async requireManages(principal: Principal, role: PersonRole, scope: string, field: string): Promise<void> {
    if (principal.role !== 'admin' && principal.role !== 'chief') throw new ForbiddenException('Authorization: only administrators and unit chiefs manage people');
    if (principal.role === 'chief' && role !== 'officer') throw new ForbiddenException(`role: a unit chief manages commune officers only, not ${role}`);
    const within = await this.units.isWithin(scope, principal.scope);
    if (within === null) throw new UnprocessableEntityException(`${field}: "${scope}" is not a loaded unit`);
    if (!within) throw new ForbiddenException(`${field}: unit ${scope} is outside your unit ${principal.scope}`);
  }

  /** An officer reports for one commune. */
  private async requireScopeFits(role: PersonRole, scope: string): Promise<void> {
    const unit = await this.units.find(scope);
    if (!unit) throw new UnprocessableEntityException(`scope: "${scope}" is not a loaded unit`);
    if (role === 'officer' && unit.level !== 'commune') throw new UnprocessableEntityException(`scope: a commune officer belongs to a commune, and ${unit.fullName} is a ${unit.level}`);
  }
}
