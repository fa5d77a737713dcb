import { Injectable, type PipeTransform } from '@nestjs/common';
import { badRequest } from './registration-errors';
import { CONFIG_ID_MAX_LENGTH, deviceTokenProblem, idProblem } from './registration-fields';

/** `{deviceToken}` path segment → the token, or 400 naming deviceToken. */
@Injectable()
export class DeviceTokenPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    const problem = deviceTokenProblem(value);
    if (problem) throw badRequest(problem, 'deviceToken');
    return value as string;
  }
}

/** `{sessionId}` path segment → the id, or 400 naming sessionId. */
@Injectable()
export class SessionIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    const problem = idProblem('sessionId', value);
    if (problem) throw badRequest(problem, 'sessionId');
    return value as string;
  }
}

/** Optional `?configId=`: absent stays undefined (the default configuration); repeated or empty is a 400. */
@Injectable()
export class ConfigIdQueryPipe implements PipeTransform<unknown, string | undefined> {
  transform(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > CONFIG_ID_MAX_LENGTH) {
      throw badRequest(`configId must be one value of 1-${CONFIG_ID_MAX_LENGTH} characters`, 'configId');
    }
    return value;
  }
}
