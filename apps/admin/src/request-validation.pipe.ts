import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/** The first problem of a body, as a path such as `ids` or `ids.0`, and its message. */
function firstProblem(errors: ValidationError[], parent = ''): { field: string; message: string } {
  const error = errors[0];
  const field = error?.property ? (parent ? `${parent}.${error.property}` : error.property) : parent || 'body';
  const message = error?.constraints ? Object.values(error.constraints)[0] : undefined;
  if (!message && error?.children?.length) return firstProblem(error.children, field);
  return { field, message: message ?? 'the request body must be a JSON object' };
}

/** Validates admin API bodies against their DTO; a bad body is a 400 that names the field. */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => {
      const { field, message } = firstProblem(errors);
      return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, field });
    },
  });
}
