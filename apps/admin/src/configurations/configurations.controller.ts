import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { RegistrationKeyKind } from '@app/config';
import { badRequest, parseConfigurationBody, parseConfigurationId, parseSecret } from './configuration-body';
import { ConfigurationAdminService } from './configuration-admin.service';
import type { ConfigurationView } from './configuration.view';

const FINGERPRINT = /^[0-9a-f]{8}$/;

function parseFingerprint(value: string): string {
  if (!FINGERPRINT.test(value)) throw badRequest('fingerprint', 'fingerprint must be 8 lowercase hex characters');
  return value;
}

function parseKind(body: unknown): RegistrationKeyKind {
  if (body === undefined || body === null || (typeof body === 'object' && !('kind' in body))) return 'server';
  const kind = typeof body === 'object' ? (body as { kind?: unknown }).kind : undefined;
  if (kind !== 'app' && kind !== 'server') throw badRequest('kind', "kind must be 'app' or 'server'");
  return kind;
}

/** Admin API: AXP configurations managed at run time (behind the admin app's basic auth). */
@ApiExcludeController()
@Controller('admin/api/configurations')
export class ConfigurationsController {
  constructor(private readonly configurations: ConfigurationAdminService) {}

  @Get()
  list(): Promise<ConfigurationView[]> {
    return this.configurations.list();
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<ConfigurationView> {
    return this.configurations.get(parseConfigurationId(id));
  }

  @Put(':id')
  async put(@Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConfigurationView> {
    const { view, created } = await this.configurations.put(parseConfigurationId(id), parseConfigurationBody(body));
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return view;
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('id') id: string): Promise<void> {
    return this.configurations.remove(parseConfigurationId(id));
  }

  @Post(':id/secrets')
  addSecret(@Param('id') id: string, @Body() body: unknown): Promise<ConfigurationView> {
    const secret = typeof body === 'object' && body !== null ? (body as { secret?: unknown }).secret : undefined;
    return this.configurations.addSecret(parseConfigurationId(id), parseSecret(secret));
  }

  @Delete(':id/secrets/:fingerprint')
  @HttpCode(HttpStatus.NO_CONTENT)
  removeSecret(@Param('id') id: string, @Param('fingerprint') print: string): Promise<void> {
    return this.configurations.removeSecret(parseConfigurationId(id), parseFingerprint(print));
  }

  @Post(':id/api-keys')
  createKey(@Param('id') id: string, @Body() body: unknown) {
    return this.configurations.createKey(parseConfigurationId(id), parseKind(body));
  }

  @Delete(':id/api-keys/:fingerprint')
  @HttpCode(HttpStatus.NO_CONTENT)
  deleteKey(@Param('id') id: string, @Param('fingerprint') print: string): Promise<void> {
    return this.configurations.deleteKey(parseConfigurationId(id), parseFingerprint(print));
  }
}
