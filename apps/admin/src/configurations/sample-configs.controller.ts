import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ConfigurationRow } from '@app/persistence';
import { badRequest, parseConfigurationId, parseServiceAccount } from './configuration-body';
import { ConfigurationAdminService } from './configuration-admin.service';

/** The sample connector's answer, minus the private_key it echoes (a defect not copied). */
export interface SampleConfigView {
  configId: string;
  fcmServiceAccountConfig: Record<string, unknown> | null;
}

const toSampleView = (row: ConfigurationRow): SampleConfigView => ({ configId: row.id, fcmServiceAccountConfig: row.fcmServiceAccount });

function serviceAccountOf(body: unknown) {
  const value = typeof body === 'object' && body !== null ? (body as { fcmServiceAccountConfig?: unknown }).fcmServiceAccountConfig : undefined;
  if (value === undefined) throw badRequest('fcmServiceAccountConfig', 'fcmServiceAccountConfig (the service-account JSON) is required');
  return parseServiceAccount(value, 'fcmServiceAccountConfig');
}

/**
 * Avaya's sample connector's configuration routes, with its bodies and answers, behind the admin
 * auth. They set the FCM service account only; the AXP secret is set through /admin/api/configurations.
 */
@ApiExcludeController()
@Controller('custom-notification-connector/configs')
export class SampleConfigsController {
  constructor(private readonly configurations: ConfigurationAdminService) {}

  @Post()
  async create(@Body() body: unknown): Promise<SampleConfigView> {
    const account = serviceAccountOf(body);
    return toSampleView(await this.configurations.putServiceAccount(randomUUID(), account));
  }

  @Put(':configId')
  @HttpCode(HttpStatus.OK)
  async put(@Param('configId') configId: string, @Body() body: unknown): Promise<SampleConfigView> {
    const id = parseConfigurationId(configId);
    return toSampleView(await this.configurations.putServiceAccount(id, serviceAccountOf(body)));
  }

  @Get()
  async list(): Promise<SampleConfigView[]> {
    return (await this.configurations.storedRows()).map(toSampleView);
  }

  @Get(':configId')
  async get(@Param('configId') configId: string): Promise<SampleConfigView> {
    return toSampleView(await this.configurations.row(parseConfigurationId(configId)));
  }

  @Delete(':configId')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('configId') configId: string): Promise<void> {
    return this.configurations.remove(parseConfigurationId(configId));
  }
}
