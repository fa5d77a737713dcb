import { type ArgumentsHost, BadRequestException, Logger } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ClientErrorFilter } from './client-error.filter';

describe('ClientErrorFilter', () => {
  const response = {};
  const host = { getArgByIndex: (i: number) => (i === 1 ? response : {}), getType: () => 'http' } as unknown as ArgumentsHost;
  let adapter: jest.Mocked<Pick<AbstractHttpAdapter, 'reply' | 'end' | 'isHeadersSent'>>;
  let filter: ClientErrorFilter;
  let errorLog: jest.SpyInstance;

  beforeEach(() => {
    adapter = { reply: jest.fn(), end: jest.fn(), isHeadersSent: jest.fn().mockReturnValue(false) };
    filter = new ClientErrorFilter(adapter as unknown as AbstractHttpAdapter);
    errorLog = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers a parser error with its 4xx and does not log an error', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    filter.catch(tooLarge, host);
    expect(adapter.reply).toHaveBeenCalledWith(response, { statusCode: 413, message: 'Request body is too large' }, 413);
    expect(errorLog).not.toHaveBeenCalled();
  });

  it('only ends the response of a client that hung up mid-body', () => {
    adapter.isHeadersSent.mockReturnValue(true);
    filter.catch(Object.assign(new Error('aborted'), { statusCode: 400, code: 'ECONNRESET' }), host);
    expect(adapter.end).toHaveBeenCalledWith(response);
    expect(adapter.reply).not.toHaveBeenCalled();
    expect(errorLog).not.toHaveBeenCalled();
  });

  it('leaves HttpExceptions to Nest', () => {
    filter.catch(new BadRequestException({ message: 'x', field: 'f' }), host);
    expect(adapter.reply).toHaveBeenCalledWith(response, { message: 'x', field: 'f' }, 400);
  });

  it('still answers 500 and logs an error for a real fault', () => {
    filter.catch(new Error('boom'), host);
    expect(adapter.reply).toHaveBeenCalledWith(response, expect.objectContaining({ statusCode: 500 }), 500);
    expect(errorLog).toHaveBeenCalled();
  });
});
