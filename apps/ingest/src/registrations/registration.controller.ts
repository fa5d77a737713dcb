import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from './api-key.guard';
import { AppKeyRoute, Caller, type RegistrationCaller } from './registration-caller';
import { RegistrationThrottlerGuard } from './registration-throttlers';
import { RegisterDeviceDto } from './dto/register-device.dto';
import { ApiDeviceTokenParam, ApiRegistrationErrors } from './registration.openapi';
import { ConfigIdQueryPipe, DeviceTokenPipe, SessionIdPipe } from './registration-param.pipes';
import { notFound } from './registration-errors';
import { ID_RULE } from './registration-fields';
import { RegistrationService } from './registration.service';
import { STRICT_BODY } from './registration-validation.pipe';
import { RegistrationView, SessionRegistrationsView, toRegistrationView } from './registration.view';

const CONFIG_QUERY = { name: 'configId', required: false, description: 'the default configuration when absent' };

/** Our registration API: a device's FCM token against its AXP session, many devices per session. */
@ApiTags('registrations')
@ApiBearerAuth()
@ApiRegistrationErrors()
@UseGuards(RegistrationThrottlerGuard, ApiKeyGuard)
@Controller('v1')
export class RegistrationController {
  constructor(private readonly registrations: RegistrationService) {}

  @Put('registrations/:deviceToken')
  @AppKeyRoute()
  @ApiOperation({ summary: 'Register a device token (201 when new, 200 when renewed or moved to another session)' })
  @ApiDeviceTokenParam()
  @ApiOkResponse({ type: RegistrationView, description: 'an existing registration, renewed or moved' })
  @ApiCreatedResponse({ type: RegistrationView, description: 'a new registration' })
  async register(
    @Param('deviceToken', DeviceTokenPipe) deviceToken: string,
    @Body(STRICT_BODY) body: RegisterDeviceDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Caller() caller: RegistrationCaller,
  ): Promise<RegistrationView> {
    const { registration, created } = await this.registrations.register({ ...body, deviceToken }, caller);
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return toRegistrationView(registration);
  }

  @Get('registrations/:deviceToken')
  @AppKeyRoute()
  @ApiOperation({ summary: 'Read a registration' })
  @ApiDeviceTokenParam()
  @ApiQuery(CONFIG_QUERY)
  @ApiOkResponse({ type: RegistrationView })
  async get(
    @Param('deviceToken', DeviceTokenPipe) deviceToken: string,
    @Caller() caller: RegistrationCaller,
    @Query('configId', ConfigIdQueryPipe) configId?: string,
  ): Promise<RegistrationView> {
    const registration = await this.registrations.find(configId, deviceToken, caller);
    if (!registration) throw notFound('deviceToken', deviceToken);
    return toRegistrationView(registration);
  }

  @Delete('registrations/:deviceToken')
  @AppKeyRoute()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a registration' })
  @ApiDeviceTokenParam()
  @ApiQuery(CONFIG_QUERY)
  @ApiNoContentResponse({ description: 'removed' })
  async remove(
    @Param('deviceToken', DeviceTokenPipe) deviceToken: string,
    @Caller() caller: RegistrationCaller,
    @Query('configId', ConfigIdQueryPipe) configId?: string,
  ): Promise<void> {
    if (!(await this.registrations.remove(configId, deviceToken, caller))) throw notFound('deviceToken', deviceToken);
  }

  @Get('sessions/:sessionId/registrations')
  @ApiParam({ name: 'sessionId', description: `the AXP session id: ${ID_RULE}` })
  @ApiOperation({ summary: "A session's live registrations (empty when it has none); server keys only" })
  @ApiQuery(CONFIG_QUERY)
  @ApiOkResponse({ type: SessionRegistrationsView })
  async bySession(
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Query('configId', ConfigIdQueryPipe) configId?: string,
  ): Promise<SessionRegistrationsView> {
    const registrations = await this.registrations.findBySession(configId, sessionId);
    return {
      configId: this.registrations.resolveConfigId(configId),
      sessionId,
      registrations: registrations.map(toRegistrationView),
    };
  }
}
