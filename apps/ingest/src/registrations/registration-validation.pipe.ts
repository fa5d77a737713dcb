import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { badRequest } from './registration-errors';

function flatten(errors: ValidationError[], parent = ''): Array<{ field: string; message: string }> {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([constraint, message]) => ({
      field,
      // class-validator's own wording ("property x should not exist") reads oddly in an API answer.
      message: constraint === 'whitelistValidation' ? `${field} is not a known field` : message,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * class-validator on registration bodies, answering 400 with the first offending field named
 * (and every problem under `errors`). `strict` also refuses unknown fields: our own API is strict,
 * the sample-compatible routes ignore extras as the sample did.
 */
export class RegistrationValidationPipe extends ValidationPipe {
  constructor(strict: boolean) {
    super({
      whitelist: true,
      forbidNonWhitelisted: strict,
      forbidUnknownValues: true,
      stopAtFirstError: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors: ValidationError[]) => {
        const problems = flatten(errors);
        const first = problems[0] ?? { field: undefined, message: 'the body is not valid' };
        return badRequest(first.message, first.field, problems);
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw badRequest('the body must be a JSON object');
    }
    return super.transform(value, metadata);
  }
}

export const STRICT_BODY = new RegistrationValidationPipe(true);
export const LENIENT_BODY = new RegistrationValidationPipe(false);
