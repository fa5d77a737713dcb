import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from './api-key.guard';
import { AcrossConfigurations, AppKeyRoute, Caller, type RegistrationCaller } from './registration-caller';
import { RegistrationThrottlerGuard } from './registration-throttlers';
import { SampleRegisterDeviceDto } from './dto/sample-register-device.dto';
import { SearchRegistrationsDto } from './dto/search-registrations.dto';
import { ApiDeviceTokenParam, ApiRegistrationErrors } from './registration.openapi';
import { ConfigIdQueryPipe, DeviceTokenPipe } from './registration-param.pipes';
import { notFound } from './registration-errors';
import { RegistrationService } from './registration.service';
import { LENIENT_BODY } from './registration-validation.pipe';
import { platformOfSampleType, SampleRegistrationView, toSampleView } from './registration.view';

/**
 * The routes of Avaya's sample connector with its request and response shapes, so apps written
 * against it only change their base URL. As in the sample, reading or deleting a token and searching
 * a session find the registration in whichever configuration holds it (within the key's reach) unless
 * the request names a configId; registering without one uses the default configuration.
 */
@ApiTags('sample-compatible registrations')
@ApiBearerAuth()
@ApiRegistrationErrors()
@UseGuards(RegistrationThrottlerGuard, ApiKeyGuard)
@Controller('custom-notification-connector')
export class SampleRegistrationController {
  constructor(private readonly registrations: RegistrationService) {}

  @Put('device-registrations/:deviceToken')
  @AppKeyRoute()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Register a device token (sample connector shape)' })
  @ApiDeviceTokenParam()
  @ApiOkResponse({ type: SampleRegistrationView })
  async register(
    @Param('deviceToken', DeviceTokenPipe) deviceToken: string,
    @Body(LENIENT_BODY) body: SampleRegisterDeviceDto,
    @Caller() caller: RegistrationCaller,
  ): Promise<SampleRegistrationView> {
    const { registration } = await this.registrations.register(
      { configId: body.configId, deviceToken, sessionId: body.sessionId, platform: platformOfSampleType(body.type) },
      caller,
    );
    return toSampleView(registration);
  }

  @Get('device-registrations/:deviceToken')
  @AppKeyRoute()
  @AcrossConfigurations()
  @ApiOperation({ summary: 'Read a registration, in whichever configuration holds it (sample connector shape)' })
  @ApiDeviceTokenParam()
  @ApiQuery({ name: 'configId', required: false, description: 'only this configuration; every one the key reaches when absent' })
  @ApiOkResponse({ type: SampleRegistrationView })
  async get(
    @Param('deviceToken', DeviceTokenPipe) deviceToken: string,
    @Query('configId', ConfigIdQueryPipe) configId: string | undefined,
    @Caller() caller: RegistrationCaller,
  ): Promise<SampleRegistrationView> {
    const registration =
      configId === undefined ? await this.registrations.findInAny(deviceToken, caller) : await this.registrations.find(configId, deviceToken, caller);
    if (!registration) throw notFound('deviceToken', deviceToken);
    return toSampleView(registration);
  }

  @Delete('device-registrations/:deviceToken')
  @AppKeyRoute()
  @AcrossConfigurations()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a registration, in whichever configuration holds it (sample connector shape)' })
  @ApiDeviceTokenParam()
  @ApiQuery({ name: 'configId', required: false, description: 'only this configuration; every one the key reaches when absent' })
  @ApiNoContentResponse({ description: 'removed' })
  async remove(
    @Param('deviceToken', DeviceTokenPipe) deviceToken: string,
    @Query('configId', ConfigIdQueryPipe) configId: string | undefined,
    @Caller() caller: RegistrationCaller,
  ): Promise<void> {
    const removed =
      configId === undefined ? await this.registrations.removeInAny(deviceToken, caller) : await this.registrations.remove(configId, deviceToken, caller);
    if (!removed) throw notFound('deviceToken', deviceToken);
  }

  /** `::` is find-my-way's escape for a literal colon: the path is `…/device-registrations:search`. */
  @Post('device-registrations::search')
  @AcrossConfigurations()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Find a session's registration, the most recently registered (sample connector shape); server keys only" })
  @ApiOkResponse({ type: SampleRegistrationView })
  async search(@Body(LENIENT_BODY) body: SearchRegistrationsDto, @Caller() caller: RegistrationCaller): Promise<SampleRegistrationView> {
    const registrations =
      body.configId === undefined
        ? await this.registrations.findBySessionInAny(body.sessionId, caller)
        : await this.registrations.findBySession(body.configId, body.sessionId);
    const latest = registrations.reduce<(typeof registrations)[number] | undefined>(
      (best, r) => (!best || r.updatedAt >= best.updatedAt ? r : best),
      undefined,
    );
    if (!latest) throw notFound('sessionId', body.sessionId);
    return toSampleView(latest);
  }

  @Get('device-registrations')
  @ApiOperation({ summary: 'List registrations, most recent first (at most 1000); server keys only' })
  @ApiQuery({ name: 'configId', required: false, description: 'the default configuration when absent' })
  @ApiOkResponse({ type: [SampleRegistrationView] })
  async list(@Query('configId', ConfigIdQueryPipe) configId?: string): Promise<SampleRegistrationView[]> {
    return (await this.registrations.list(configId)).map(toSampleView);
  }
}
