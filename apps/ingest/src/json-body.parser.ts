/**
 * The ingest's JSON body parser: Fastify's own (prototype-poisoning keys refused) behind a nesting
 * limit, because code after parsing walks bodies recursively and a deep one would overflow the stack.
 */
import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** Our bodies are flat objects; a few levels of nesting in extra fields are tolerated. */
export const MAX_JSON_DEPTH = 32;

/** True when `text` opens more than `maxDepth` arrays/objects at once (brackets inside strings ignored). */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}

/** Replaces Fastify's application/json parser with the depth-limited one. */
export function registerJsonBodyParser(fastify: FastifyInstance, bodyLimit: number, maxDepth = MAX_JSON_DEPTH): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, raw, done) => {
    const body = raw as string;
    if (jsonNestsDeeperThan(body, maxDepth)) {
      done(new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `JSON body nests deeper than ${maxDepth} levels` }), undefined);
      return;
    }
    parse(request, body, done);
  });
}
