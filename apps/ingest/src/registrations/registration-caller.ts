import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';

/** What a presented key may do: which routes (kind) and which configurations (scope). */
export interface ResolvedRegistrationKey {
  /** 'app' keys ship inside apps: one registration by its device token only. 'server' keys: every route. */
  kind: 'app' | 'server';
  /** Every configuration ('all') or one configuration's id. */
  scope: 'all' | string;
}

/** Who is calling, as the guard established it. */
export interface RegistrationCaller {
  key: ResolvedRegistrationKey;
  /** The customerId of a verified customer JWT: the registration is bound to it. */
  customerId?: string;
}

export const APP_KEY_ROUTE = 'registrations:app-key-route';

/** Marks a route an app key may use: one registration, addressed by its device token. */
export const AppKeyRoute = () => SetMetadata(APP_KEY_ROUTE, true);

export const ACROSS_CONFIGURATIONS = 'registrations:across-configurations';

/**
 * Marks a route of the sample connector that, like the sample, finds a registration in whichever
 * configuration holds it when the request names none: every configuration the key reaches.
 */
export const AcrossConfigurations = () => SetMetadata(ACROSS_CONFIGURATIONS, true);

export type CallerRequest = { registrationCaller?: RegistrationCaller };

/** The caller the guard attached to the request. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): RegistrationCaller => {
  const caller = context.switchToHttp().getRequest<CallerRequest>().registrationCaller;
  // The guard runs on every route that takes a caller; without it nothing may pass.
  if (!caller) throw new Error('no registration caller: ApiKeyGuard did not run');
  return caller;
});
