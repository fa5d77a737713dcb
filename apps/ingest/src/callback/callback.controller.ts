import { Body, Controller, Headers, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { SIGNATURE_HEADER } from '@app/axp';
import { ApiAxpCallback } from '../openapi/callback.openapi';
import { type CallbackAccepted, CallbackService } from './callback.service';

/**
 * AXP's Callback URL as Nest routes: what `app.inject()` and the OpenAPI document see. In a
 * listening ingest the same paths are answered first by CallbackHttpHandler (same CallbackService).
 */
@Controller()
export class CallbackController {
  constructor(private readonly callbacks: CallbackService) {}

  @Post('v1/axp/:configId/notifications')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAxpCallback('AXP Callback URL of one configuration')
  receive(
    @Param('configId') configId: string,
    @Headers(SIGNATURE_HEADER) signature: string | undefined,
    @Body() body: unknown,
  ): Promise<CallbackAccepted> {
    return this.callbacks.accept(configId, signature, body);
  }

  /** Drop-in path of Avaya's sample connector: every configuration, the one whose secret verifies the signature. */
  @Post('custom-notification-connector/axp-callback/notifications')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAxpCallback("AXP Callback URL of every configuration, the one whose Secret verifies X-hmac (the sample connector's path)")
  receiveDefault(@Headers(SIGNATURE_HEADER) signature: string | undefined, @Body() body: unknown): Promise<CallbackAccepted> {
    return this.callbacks.accept(undefined, signature, body);
  }
}
